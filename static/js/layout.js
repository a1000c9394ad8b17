/* Delbar's page layout on narrow screens (docs/decisions/0038-phone-layout-and-tree-filters.md).
   - The main menu folds behind a "Meny" button (a disclosure: aria-expanded, Escape closes it). Without this script
     the button stays hidden and the menu open, so nothing depends on it.
   - The search's filter panel (a <details>, which works without this script) starts open on wide screens, and its
     "Show N listings" link closes it on a phone and moves to the results. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 48rem)");

  function setUpMenu() {
    var button = document.getElementById("menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-closed", !open);
    }
    function fit() {
      button.hidden = !narrow.matches;
      if (narrow.matches) {
        show(button.getAttribute("aria-expanded") === "true");
      } else {
        menu.classList.remove("is-closed");
      }
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    fit();
  }

  function setUpFilters() {
    var panel = document.getElementById("filter-panel");
    if (!panel) { return; }
    if (!narrow.matches && !panel.hasAttribute("data-keep-closed")) { panel.open = true; }
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("#show-results") : null;
      if (link && narrow.matches) { panel.open = false; }
    });
  }

  function start() { setUpMenu(); setUpFilters(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
