"""Rendering one answer: decode, prepare, render, math, sanitize, plain text."""
