/* Wide tables scroll sideways inside their .table-responsive box on a phone. A box that scrolls can take the
 * keyboard's focus, so that it can be scrolled without a pointer, and is named after its table; a box that fits
 * is left out of the tab order. */
(function () {
  "use strict";

  const boxes = document.querySelectorAll(".table-responsive");
  if (!boxes.length) {
    return;
  }

  function tableName(box) {
    const table = box.querySelector("table");
    if (!table) {
      return "";
    }
    const caption = table.querySelector("caption");
    return (table.getAttribute("aria-label") || (caption ? caption.textContent : "")).trim();
  }

  function update(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      const name = tableName(box);
      if (name) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  const observer =
    "ResizeObserver" in window
      ? new ResizeObserver(function (entries) {
          entries.forEach(function (entry) {
            update(entry.target);
          });
        })
      : null;
  boxes.forEach(function (box) {
    update(box);
    if (observer) {
      observer.observe(box);
    }
  });
})();
