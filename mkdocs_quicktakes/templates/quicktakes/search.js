/*
 * mkdocs-quicktakes: the theme's own search box, answered by Pagefind (search_engine: pagefind).
 *
 * Pagefind is loaded on the first query, and a query downloads only the index chunks of its
 * words and the fragments of the results shown. Handles the mkdocs theme's search modal, the
 * readthedocs sidebar box (it opens search.html?q=..., answered here) and the Material header
 * search (markup from the plugin's partials/search.html). Results are built as DOM nodes: titles
 * as text, excerpts keeping only Pagefind's <mark> highlights.
 * Until this script runs, quicktakes/search.css hides the search controls: no dead box without
 * JavaScript.
 */
(function () {
  "use strict";
  var MAX_RESULTS = 10;
  var script = document.currentScript;
  var root = new URL("../", script ? script.src : document.baseURI);
  var loading = null;

  document.documentElement.classList.add("qt-search");

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        return module.options({ baseUrl: root.pathname }).then(function () {
          return module;
        });
      });
    }
    return loading;
  }

  // Pagefind's excerpt is text with <mark> around the words found: keep exactly that.
  function excerptNodes(excerpt, parent) {
    var holder = document.createElement("template");
    holder.innerHTML = excerpt;
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function resultItem(data, material) {
    var link = document.createElement("a");
    link.href = data.url;
    var title = data.meta && data.meta.title ? data.meta.title : data.url;
    var text = document.createElement("p");
    excerptNodes(data.excerpt || "", text);
    if (!material) {
      var article = document.createElement("article");
      var heading = document.createElement("h3");
      link.textContent = title;
      heading.appendChild(link);
      article.appendChild(heading);
      article.appendChild(text);
      return article;
    }
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    link.className = "md-search-result__link";
    var body = document.createElement("article");
    body.className = "md-search-result__article md-typeset";
    var name = document.createElement("h1");
    name.textContent = title;
    body.appendChild(name);
    body.appendChild(text);
    link.appendChild(body);
    item.appendChild(link);
    return item;
  }

  // Material's words for the count ("# matching documents"), from the partial's data-* attributes.
  function countText(status, count) {
    var words = count === 0 ? status.dataset.none : count === 1 ? status.dataset.one : status.dataset.other;
    return words ? words.replace("#", String(count)) : String(count);
  }

  function connect(input, output, status, material) {
    var latest = 0;
    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      var found = null;
      if (!query) {
        output.replaceChildren();
        if (status) status.textContent = "";
        return;
      }
      pagefind()
        .then(function (module) { return module.search(query); })
        .then(function (answer) {
          found = answer;
          return Promise.all(answer.results.slice(0, MAX_RESULTS).map(function (r) {
            return r.data();
          }));
        })
        .then(function (results) {
          if (ticket !== latest) return; // a newer query is on its way
          output.replaceChildren.apply(output, results.map(function (data) {
            return resultItem(data, material);
          }));
          if (status) status.textContent = countText(status, found.results.length);
          else if (!results.length) {
            output.textContent = output.getAttribute("data-no-results-text") || "No results found";
          }
        })
        .catch(function (error) {
          if (ticket === latest) output.textContent = String(error);
        });
    }
    input.addEventListener("input", run);
    input.form && input.form.addEventListener("submit", function (event) {
      if (!input.form.hasAttribute("action")) event.preventDefault();
    });
    if (input.value) run();
  }

  function start() {
    var material = document.querySelector("[data-qt-search-input]");
    if (material) {
      connect(material, document.querySelector("[data-qt-search-results]"),
        document.querySelector("[data-qt-search-status]"), true);
      // Material shows the results panel while its toggle #__search is checked (its own
      // search checks it on focus): the same here, and Escape closes it.
      var toggle = document.getElementById("__search");
      if (toggle) {
        var open = function (on) {
          if (toggle.checked !== on) {
            toggle.checked = on;
            toggle.dispatchEvent(new Event("change"));
          }
        };
        material.addEventListener("focus", function () { open(true); });
        material.addEventListener("keydown", function (event) {
          if (event.key === "Escape") { open(false); material.blur(); }
        });
        toggle.addEventListener("change", function () {
          if (toggle.checked && document.activeElement !== material) material.focus();
        });
      }
      return;
    }
    // The mkdocs theme's modal and readthedocs' search.html share these ids.
    var input = document.getElementById("mkdocs-search-query");
    var output = document.getElementById("mkdocs-search-results");
    if (!input || !output) return;
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked && !input.value) input.value = asked;
    if (!asked && output.textContent.trim()) output.replaceChildren(); // "Searching..."
    connect(input, output, null, false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
