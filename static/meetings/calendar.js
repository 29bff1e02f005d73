/* The calendar builder: FullCalendar over the stop's items; every change is judged by the server.
 *
 * The server sends each item's wall-clock time in the stop's zone without an offset, and the calendar runs in
 * its UTC mode, which never shifts a time: 09:00 in Laredo shows as 09:00 whatever the browser's own zone.
 * Times go back the same way (wall-clock strings), and the server makes them aware in the stop's zone.
 */
(function () {
  "use strict";

  const element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) {
    return;
  }
  const data = element.dataset;
  const statusBox = document.getElementById("calendar-status");

  function wallClock(date) {
    return date.toISOString().slice(0, 19);
  }

  function nextDay(isoDate) {
    const day = new Date(isoDate + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString().slice(0, 10);
  }

  function dayCount(first, last) {
    return Math.round((Date.parse(last + "T00:00:00Z") - Date.parse(first + "T00:00:00Z")) / 86400000) + 1;
  }

  function show(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "alert alert-" + kind;
  }

  function askForOverride(conflicts) {
    const dialogElement = document.getElementById("override-dialog");
    const form = document.getElementById("override-form");
    const list = document.getElementById("override-conflicts");
    const reason = document.getElementById("override-reason");
    const dialog = bootstrap.Modal.getOrCreateInstance(dialogElement);
    list.replaceChildren(
      ...conflicts.map(function (message) {
        const item = document.createElement("li");
        item.textContent = message;
        return item;
      })
    );
    reason.value = "";
    return new Promise(function (resolve) {
      let answer = null;
      function submitted(event) {
        event.preventDefault();
        answer = reason.value.trim();
        if (answer) {
          dialog.hide();
        }
      }
      form.addEventListener("submit", submitted);
      dialogElement.addEventListener(
        "hidden.bs.modal",
        function () {
          form.removeEventListener("submit", submitted);
          resolve(answer);
        },
        { once: true }
      );
      dialog.show();
    });
  }

  async function save(info, overrideReason) {
    const body = new URLSearchParams({
      starts_at: wallClock(info.event.start),
      ends_at: wallClock(info.event.end),
      version: info.event.extendedProps.version,
    });
    if (info.oldEvent) {
      // Where the item was: the server merges the move with other changes saved since the calendar loaded.
      body.set("base_starts_at", wallClock(info.oldEvent.start));
      body.set("base_ends_at", wallClock(info.oldEvent.end));
    }
    if (overrideReason) {
      body.set("override_conflicts", "on");
      body.set("override_reason", overrideReason);
    }
    let response;
    let answer;
    try {
      response = await fetch(info.event.extendedProps.moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": data.csrf, Accept: "application/json" },
        body: body,
      });
      answer = await response.json();
    } catch (error) {
      info.revert();
      show(data.failedText, "danger");
      return;
    }
    if (response.ok) {
      show(data.savedText + " " + answer.warnings.join(" "), answer.warnings.length ? "warning" : "success");
      calendar.refetchEvents();
      return;
    }
    if (answer.error === "conflicts" && !overrideReason) {
      const reason = await askForOverride(answer.conflicts);
      if (reason) {
        await save(info, reason);
      } else {
        info.revert();
      }
      return;
    }
    info.revert();
    show(answer.message || data.failedText, "danger");
    if (answer.error === "stale") {
      calendar.refetchEvents();
    }
  }

  function markConflicts(info) {
    const conflicts = info.event.extendedProps.conflicts || [];
    if (!conflicts.length) {
      return;
    }
    const hard = conflicts.some(function (conflict) {
      return conflict.severity === "hard";
    });
    const marker = document.createElement("span");
    marker.className = hard ? "conflict-marker" : "warning-marker";
    marker.textContent = "⚠";
    marker.setAttribute("aria-label", data.conflictText);
    const title = info.el.querySelector(".fc-event-title") || info.el;
    title.prepend(marker);
    info.el.title = conflicts
      .map(function (conflict) {
        return conflict.message;
      })
      .join("\n");
  }

  const span = Math.min(dayCount(data.start, data.end), 7);
  // A phone shows one day at a time; a wider screen the stop's days, up to a week.
  const narrow = window.matchMedia("(max-width: 575.98px)");
  const calendar = new FullCalendar.Calendar(element, {
    timeZone: "UTC",
    locale: data.locale,
    initialView: narrow.matches ? "stopDay" : "stopGrid",
    views: {
      stopGrid: { type: "timeGrid", duration: { days: span }, dateIncrement: { days: span } },
      stopDay: { type: "timeGrid", duration: { days: 1 }, dateIncrement: { days: 1 } },
    },
    initialDate: data.start,
    validRange: { start: data.start, end: nextDay(data.end) },
    headerToolbar: { left: "prev,next", center: "title", right: "" },
    // Words, not icon fonts: the icons carry no text alternative, and words say where the buttons lead.
    buttonIcons: false,
    buttonText: { prev: data.previousText, next: data.nextText },
    buttonHints: { prev: data.previousText, next: data.nextText },
    allDaySlot: false,
    // Items at the same time sit side by side, never one over the other: both stay readable and draggable.
    slotEventOverlap: false,
    scrollTime: "08:00:00",
    height: "auto",
    slotMinTime: "06:00:00",
    slotMaxTime: "23:00:00",
    selectable: true,
    selectMirror: true,
    editable: true,
    eventSources: [{ url: data.eventsUrl }],
    select: function (info) {
      const query = new URLSearchParams({ stop: data.stop, start: wallClock(info.start), end: wallClock(info.end) });
      window.location.assign(data.newUrl + "?" + query.toString());
    },
    eventDrop: function (info) {
      save(info, null);
    },
    eventResize: function (info) {
      save(info, null);
    },
    eventDidMount: markConflicts,
  });
  calendar.render();
  narrow.addEventListener("change", function () {
    calendar.changeView(narrow.matches ? "stopDay" : "stopGrid");
  });
})();
