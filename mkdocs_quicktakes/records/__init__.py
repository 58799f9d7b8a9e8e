"""Reading one file into a record: source, model, dates, labels, problems and their report."""
