/* The listing form on a phone (catalog/listing_form.html), as a progressive enhancement: the form works without it.

   - Photos are sent as they are picked, one per request, to /annonser/foton/, where they are checked and kept as
     pending photos; the form carries their ids, so a form that comes back with an error still has them. They can
     be moved earlier or later and removed; the first is the one lists show.
   - The category is suggested from the title (/annonser/kategoriforslag/); one tap on a suggestion chooses it.
   No framework, no inline code (the CSP allows scripts from /static/ only). */
(function () {
  "use strict";
  var form = document.getElementById("listing-form");
  if (!form || !window.fetch || !window.FormData || !("content" in document.createElement("template"))) {
    return;
  }
  form.classList.add("js");
  var texts = form.dataset;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var list = document.getElementById("pending-photos");
  var template = document.getElementById("pending-photo-template");
  var status = document.getElementById("photo-status");
  var limit = parseInt(texts.photoLimit, 10) || 8;
  var existing = parseInt(texts.existingPhotos, 10) || 0;
  var busy = 0;
  var waitingSubmitter = null;

  function text(name, value) {
    return (texts[name] || "").replace("{n}", value);
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("errors", Boolean(isError));
  }

  function items() {
    return Array.prototype.slice.call(list.querySelectorAll(".pending-photo"));
  }

  function renumber() {
    var all = items();
    all.forEach(function (item, index) {
      var n = existing + index + 1;
      item.querySelector("img").alt = text("textPhoto", n);
      var earlier = item.querySelector(".photo-earlier");
      var later = item.querySelector(".photo-later");
      earlier.setAttribute("aria-label", text("textEarlier", n));
      later.setAttribute("aria-label", text("textLater", n));
      item.querySelector(".photo-remove").setAttribute("aria-label", text("textRemove", n));
      earlier.disabled = index === 0;
      later.disabled = index === all.length - 1;
    });
  }

  function add(photo) {
    var item = template.content.firstElementChild.cloneNode(true);
    item.dataset.id = photo.id;
    item.querySelector("img").src = photo.thumbnail;
    item.querySelector("input[name=pending_photos]").value = photo.id;
    list.appendChild(item);
  }

  function finished() {
    busy -= 1;
    if (busy === 0) {
      form.classList.remove("uploading");
      if (waitingSubmitter !== null) {
        var submitter = waitingSubmitter;
        waitingSubmitter = null;
        if (form.requestSubmit) {
          form.requestSubmit(submitter);
        } else {
          submitter.click();
        }
      }
    }
  }

  function send(file) {
    var data = new FormData();
    data.append("photos", file);
    return fetch(texts.uploadUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (body) {
        return {ok: response.ok, body: body};
      });
    });
  }

  function upload(input) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";  // sent here, so not again with the form
    if (!files.length) {
      return;
    }
    if (existing + items().length + files.length > limit) {
      say(texts.textTooMany, true);
      return;
    }
    var added = 0;
    var failed = false;
    busy += 1;
    form.classList.add("uploading");
    say(texts.textUploading, false);
    // One at a time, in the order picked: each is checked on its own, so one bad file refuses only itself.
    files.reduce(function (previous, file) {
      return previous.then(function () {
        return send(file).then(function (answer) {
          if (answer.ok) {
            answer.body.photos.forEach(add);
            added += answer.body.photos.length;
          } else {
            failed = true;
            say(answer.body.error.message, true);
          }
        }, function () {
          failed = true;
          say(texts.textFailed, true);
        });
      });
    }, Promise.resolve()).then(function () {
      renumber();
      if (!failed) {
        say(text("textUploaded", existing + items().length), false);
      }
      finished();
    });
  }

  form.querySelectorAll(".photo-input").forEach(function (input) {
    input.addEventListener("change", function () {
      upload(input);
    });
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) {
      return;
    }
    var item = button.closest(".pending-photo");
    if (button.classList.contains("photo-earlier") && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.classList.contains("photo-later") && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else if (button.classList.contains("photo-remove")) {
      var next = item.nextElementSibling || item.previousElementSibling;
      fetch(texts.uploadUrl + item.dataset.id + "/ta-bort/", {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf}
      }).catch(function () { return null; });
      item.remove();
      renumber();
      say(texts.textRemoved, false);
      (next ? next.querySelector(".photo-remove") : document.getElementById("id_photos")).focus();
      return;
    }
    renumber();
    if (!button.disabled) {
      button.focus();
    } else {
      item.querySelector(button.classList.contains("photo-earlier") ? ".photo-later" : ".photo-earlier").focus();
    }
  });

  form.addEventListener("submit", function (event) {
    if (busy > 0) {
      // Photos are still on their way: send the form when they have arrived.
      event.preventDefault();
      waitingSubmitter = event.submitter || form.querySelector("button[type=submit]");
    }
  });

  // The category, suggested from the title.
  var title = document.getElementById("id_title");
  var select = document.getElementById("id_category");
  var box = document.getElementById("category-suggestions");
  var asked = null;
  var timer = null;

  function mark() {
    box.querySelectorAll("button[data-category]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.category === select.value));
    });
  }

  function suggest() {
    var value = title.value.trim();
    if (value === asked) {
      return;
    }
    asked = value;
    if (value.length < 2) {
      box.textContent = "";
      return;
    }
    fetch(texts.suggestUrl + "?titel=" + encodeURIComponent(value), {credentials: "same-origin"})
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (value === asked) {
          box.innerHTML = html;
          mark();
        }
      }, function () { return null; });
  }

  if (title && select && box) {
    title.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 300);
    });
    title.addEventListener("change", suggest);
    select.addEventListener("change", mark);
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-category]");
      if (!button) {
        return;
      }
      select.value = button.dataset.category;
      mark();
      select.dispatchEvent(new Event("change", {bubbles: true}));
    });
    if (title.value.trim()) {
      suggest();
    }
    mark();
  }
  renumber();
}());
