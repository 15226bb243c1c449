/* Calendar behaviour without a build step: drag a card to another day or hour to move the post (the server
   decides; a refused move snaps back with the reason), click an empty day or hour to start a post there,
   submit the filter bar as soon as it changes, and open the week view at the working day. */
(function () {
  "use strict";

  const zonePicker = document.querySelector("select[data-tz-suggest]");
  if (zonePicker && !zonePicker.value) {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserZone && zonePicker.querySelector("option[value='" + browserZone + "']")) zonePicker.value = browserZone;
  }

  const root = document.getElementById("calendar");
  if (!root) return;
  const feedback = document.getElementById("cal-feedback");
  let dragged = null;
  let feedbackTimer = null;

  function say(message, kind) {
    if (!feedback) return;
    feedback.hidden = false;
    feedback.className = "cal-feedback alert alert-" + (kind === "error" ? "danger" : "success");
    feedback.setAttribute("role", kind === "error" ? "alert" : "status");
    feedback.textContent = message;
    window.clearTimeout(feedbackTimer);
    feedbackTimer = window.setTimeout(function () { feedback.hidden = true; }, kind === "error" ? 12000 : 5000);
  }

  function zoneOf(element) {
    return element ? element.closest("[data-drop-date]") : null;
  }

  function cardsOf(zone) {
    return zone.querySelector(".cal-cards") || zone;
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function targetTime(card, zone) {
    if (zone.dataset.dropHour === undefined) return "";
    const minutes = (card.dataset.time || "00:00").split(":")[1] || "00";
    return pad(zone.dataset.dropHour) + ":" + minutes;
  }

  function settle(card, className) {
    card.classList.remove("cal-pending");
    card.removeAttribute("aria-busy");
    card.classList.add(className);
    window.setTimeout(function () { card.classList.remove(className); }, 2500);
  }

  function send(card, zone, confirmed) {
    const body = new FormData();
    body.append("date", zone.dataset.dropDate);
    body.append("time", targetTime(card, zone));
    body.append("tz", root.dataset.tz);
    if (confirmed) body.append("confirm", "1");
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, "Accept": "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        const details = data.details || {};
        if (response.status === 409 && details.confirm && !confirmed) {
          if (window.confirm(data.message)) return send(card, zone, true);
          throw new Error(details.refused || data.message);
        }
        if (!response.ok || !data.ok) throw new Error(data.message || root.dataset.errorText);
        return data;
      });
    });
  }

  function show(card, data) {
    card.dataset.time = data.local_time;
    card.dataset.status = data.status;
    const time = card.querySelector(".cal-time");
    if (time) {
      time.textContent = data.local_time;
      time.setAttribute("datetime", data.scheduled_at);
    }
    const badge = card.querySelector(".status-badge");
    if (badge) {
      badge.className = "badge status-badge status-" + data.status;
      badge.textContent = data.status_label;
    }
  }

  function move(card, zone) {
    const origin = { parent: card.parentNode, next: card.nextSibling };
    if (zoneOf(origin.parent) === zone && zone.dataset.dropHour === undefined) return;
    cardsOf(zone).appendChild(card);
    card.classList.add("cal-pending");
    card.setAttribute("aria-busy", "true");
    send(card, zone, false)
      .then(function (data) {
        show(card, data);
        settle(card, "cal-moved");
        say(data.message, "ok");
      })
      .catch(function (error) {
        origin.parent.insertBefore(card, origin.next);
        settle(card, "cal-refused");
        say(error.message || root.dataset.errorText, "error");
      });
  }

  root.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest(".cal-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("cal-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.postId);
    if (event.target !== card) {
      /* The drag began on the card's link: show the whole card moving, not a URL. */
      const box = card.getBoundingClientRect();
      event.dataTransfer.setDragImage(card, event.clientX - box.left, event.clientY - box.top);
    }
  });

  root.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("cal-dragging");
    root.querySelectorAll(".cal-drop-target").forEach(function (zone) { zone.classList.remove("cal-drop-target"); });
    dragged = null;
  });

  root.addEventListener("dragover", function (event) {
    const zone = zoneOf(event.target);
    if (!dragged || !zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("cal-drop-target")) {
      root.querySelectorAll(".cal-drop-target").forEach(function (other) { other.classList.remove("cal-drop-target"); });
      zone.classList.add("cal-drop-target");
    }
  });

  root.addEventListener("drop", function (event) {
    const zone = zoneOf(event.target);
    if (!dragged || !zone) return;
    event.preventDefault();
    zone.classList.remove("cal-drop-target");
    const card = dragged;
    card.classList.remove("cal-dragging");
    dragged = null;
    move(card, zone);
  });

  root.addEventListener("click", function (event) {
    if (event.target.closest("a, button, input, select, label, .cal-card")) return;
    const cell = event.target.closest("[data-new-url]");
    if (cell) window.location.assign(cell.dataset.newUrl);
  });

  /* Selects and switches apply at once; the checkboxes of a dropdown apply when it closes, so several
     channels or statuses can be ticked in one go. */
  root.querySelectorAll("[data-cal-autosubmit]").forEach(function (form) {
    let changedInMenu = false;
    form.addEventListener("change", function (event) {
      if (event.target.closest(".dropdown-menu")) changedInMenu = true;
      else if (event.target.matches("select, input[type='checkbox']")) form.requestSubmit();
    });
    form.addEventListener("hidden.bs.dropdown", function () {
      if (changedInMenu) form.requestSubmit();
    });
  });

  const scroller = root.querySelector(".cal-week-scroll");
  if (scroller) {
    const now = scroller.querySelector(".cal-now");
    const row = now ? now.closest("tr") : scroller.querySelector("tr[data-hour='8']");
    if (row) scroller.scrollTop = Math.max(0, row.offsetTop - scroller.clientHeight / 3);
  }
})();
