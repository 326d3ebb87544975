// The web chat page: messages up by POST, events down by server-sent events.
// Every text from the desk, staff or the visitor is put in the page with textContent only.
"use strict";
(function () {
  var body = document.body;
  var T = body.dataset;
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var askForm = document.getElementById("ask");
  var input = document.getElementById("text");
  var photo = document.getElementById("photo");
  var contact = document.getElementById("contact");
  var csrf = null;
  var source = null;
  var lastSeq = 0;

  function say(text) { status.textContent = text || ""; }

  function bubble(kind, who, text) {
    var div = document.createElement("div");
    div.className = "msg " + kind;
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = who;
    div.appendChild(name);
    var words = document.createElement("span");
    words.className = "text";
    words.textContent = text;
    div.appendChild(words);
    log.appendChild(div);
    return div;
  }

  function show(seq, event) {
    if (seq <= lastSeq) return;
    lastSeq = seq;
    if (event.echo) bubble("you", T.you, event.echo);
    if (!event.text && !(event.actions || []).length) return;
    var staff = event.from === "staff";
    var div = bubble(staff ? "staff" : "bot", staff ? T.staff : T.bot, event.text || "");
    div.dataset.seq = String(seq);
    if (event.photos) {
      var note = document.createElement("span");
      note.className = "who";
      note.textContent = T.photosFromStaff.replace("{count}", String(event.photos));
      div.appendChild(note);
    }
    var actions = event.actions || [];
    if (actions.length) {
      var row = document.createElement("div");
      row.className = "actions";
      actions.forEach(function (action) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = action.label;
        button.addEventListener("click", function () {
          row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
          post({ action: action.id }).then(function (ok) {
            if (!ok) row.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
          });
        });
        row.appendChild(button);
      });
      div.appendChild(row);
    }
    contact.hidden = !event.contact;
    div.scrollIntoView({ block: "end" });
  }

  function connect() {
    if (source) source.close();
    say(T.connecting);
    source = new EventSource("/chat/api/stream");
    source.onopen = function () { say(""); };
    source.onerror = function () { say(T.offline); };
    source.onmessage = function (message) {
      var seq = parseInt(message.lastEventId, 10) || 0;
      try { show(seq, JSON.parse(message.data)); } catch (e) { /* a malformed event: skip */ }
    };
  }

  function session() {
    return fetch("/chat/api/session", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { csrf = data.csrf; });
  }

  function reset(data) {
    csrf = data.csrf;
    log.textContent = "";
    lastSeq = 0;
    connect();
  }

  function send(url, payload, type, retried) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": type, "X-CSRF-Token": csrf || "" },
      body: payload
    }).then(function (r) {
      if ((r.status === 401 || r.status === 403) && !retried) {
        return session().then(function () { return send(url, payload, type, true); });
      }
      if (r.status === 429) { say(T.tooFast); return false; }
      if (r.status === 413) { say(url.indexOf("photo") >= 0 ? T.errorPhotoSize : T.errorTextSize); return false; }
      if (r.status === 415) { say(T.errorPhotoType); return false; }
      if (r.status !== 202) { say(T.errorSend); return false; }
      say("");
      return r.json().then(function (data) { if (data.reset) reset(data); return true; });
    }).catch(function () { say(T.errorSend); return false; });
  }

  function post(message) {
    return send("/chat/api/messages", JSON.stringify(message), "application/json");
  }

  askForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (text.length > parseInt(T.textMax, 10)) { say(T.errorTextSize); return; }
    post({ text: text }).then(function (ok) { if (ok) input.value = ""; });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      askForm.requestSubmit();
    }
  });
  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    photo.value = "";
    if (!file) return;
    if (!/^image\/(jpeg|png|gif|webp)$/.test(file.type)) { say(T.errorPhotoType); return; }
    if (file.size > parseInt(T.photoMax, 10)) { say(T.errorPhotoSize); return; }
    send("/chat/api/photo", file, file.type);
  });
  document.getElementById("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { say(T.noLocation); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      post({ location: { latitude: position.coords.latitude, longitude: position.coords.longitude } });
    }, function () { say(T.noLocation); }, { timeout: 15000 });
  });
  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { post({ action: button.dataset.action }); });
  });
  contact.addEventListener("change", function (e) {
    if (e.target.name === "kind") {
      var value = document.getElementById("contact-value");
      value.type = e.target.value === "email" ? "email" : "tel";
      value.autocomplete = e.target.value === "email" ? "email" : "tel";
    }
  });
  contact.addEventListener("submit", function (e) {
    e.preventDefault();
    var kind = contact.querySelector("input[name=kind]:checked").value;
    var value = document.getElementById("contact-value").value.trim();
    if (!document.getElementById("contact-consent").checked) { say(T.needConsent); return; }
    var given = { consent: true };
    given[kind] = value;
    post({ contact: given }).then(function (ok) {
      if (ok) { contact.reset(); contact.hidden = true; }
    });
  });

  // A deep link (/chat?start=sub-road-closures): sent once, then dropped from the address so
  // that a reload does not ask again.
  function deepLink() {
    var start = T.start;
    if (!start) return;
    T.start = "";
    if (window.history && history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.delete("start");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    post({ action: "start:" + start });
  }

  session().then(function () { connect(); deepLink(); }).catch(function () { say(T.errorSend); });
})();
