/* Search as you type for host contacts: the select lists only the chosen contacts; a search adds others. */
(function () {
  "use strict";

  document.querySelectorAll("select[data-contact-search]").forEach(function (select) {
    const input = document.getElementById("contact-search-input");
    const results = document.querySelector(".contact-results");
    const organization = document.getElementById("id_host_organization");
    if (!input || !results) {
      return;
    }
    let timer = null;

    function choose(contact) {
      let option = Array.from(select.options).find(function (each) {
        return each.value === String(contact.id);
      });
      if (!option) {
        option = new Option(contact.label, contact.id);
        select.add(option);
      }
      option.selected = true;
      results.replaceChildren();
      input.value = "";
      input.focus();
    }

    async function search() {
      const query = new URLSearchParams({ q: input.value.trim() });
      if (organization && organization.value) {
        query.set("organization", organization.value);
      }
      const response = await fetch(select.dataset.contactSearch + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return;
      }
      const answer = await response.json();
      results.replaceChildren(
        ...answer.results.map(function (contact) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "list-group-item list-group-item-action";
          button.textContent = contact.label;
          button.addEventListener("click", function () {
            choose(contact);
          });
          return button;
        })
      );
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        const first = results.querySelector("button");
        if (first) {
          first.click();
        }
      }
    });
  });
})();
