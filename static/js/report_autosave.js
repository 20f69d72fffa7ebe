/* The monthly report form saves its draft as one types (#report-form[data-autosave-url]).

   A save starts 1.5 s after the last keystroke; what is typed is never left behind: before any other form of the
   page is sent (an attachment, copying last month, removing a file) the pending save is sent first and waited for,
   and when the page is left (pagehide, or hidden on a phone) it goes out with navigator.sendBeacon. The answer of a
   save (templates/reports/_autosave.html) says when it was saved and carries the report's new version, which every
   form of the page sends back. A save that fails — offline, a server error — says so in the status line (the
   form's data-failed-text) and is tried again with the next change or before the next form is sent. */
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  if (!form || !form.dataset.autosaveUrl) return;
  const url = form.dataset.autosaveUrl;
  const status = document.getElementById("autosave-status");
  const DELAY = 1500;
  let timer = null;
  let dirty = false;
  let running = Promise.resolve(true);

  function showFailure() {
    form.dataset.autosave = "failed";
    if (!status) return;
    status.textContent = "";
    const message = document.createElement("span");
    message.className = "text-danger fw-semibold";
    message.id = "autosave-failed";
    message.setAttribute("role", "alert");
    message.textContent = form.dataset.failedText;
    status.appendChild(message);
  }

  function showAnswer(html) {
    const answer = document.createElement("template");
    answer.innerHTML = html;
    const version = answer.content.querySelector(".report-version");
    if (version) {
      document.querySelectorAll("input.report-version").forEach(function (input) { input.value = version.value; });
      version.remove();
    }
    form.dataset.autosave = "saved";
    if (status) status.replaceChildren(answer.content);
  }

  function send() {
    const body = new FormData(form);
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) { showAnswer(html); return true; })
      .catch(function () { dirty = true; showFailure(); return false; });
  }

  /* Save now what is typed (after a save under way, whose version it needs); resolves to whether all is saved. */
  function flush() {
    clearTimeout(timer);
    timer = null;
    if (dirty) {
      dirty = false;
      running = running.then(send);
    }
    return running;
  }

  function changed() {
    dirty = true;
    form.dataset.autosave = "pending";
    clearTimeout(timer);
    timer = setTimeout(flush, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  /* The form's own buttons send everything typed: no autosave may overtake them (it would change the version). */
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    timer = null;
    dirty = false;
    if (form.dataset.released) { delete form.dataset.released; return; }
    event.preventDefault();
    const submitter = event.submitter;
    running.then(function () {
      // a task later: a form cannot be submitted again while its submit event is still being dispatched
      setTimeout(function () {
        delete form.dataset.submitting;  // portal.js's double-click guard saw the first attempt
        form.dataset.released = "1";
        form.requestSubmit(submitter);
      }, 0);
    });
  });

  /* Any other form of the page (attachments, copy from last month, remove a file) waits for the draft first. */
  document.addEventListener("submit", function (event) {
    const other = event.target;
    if (other === form || other.method.toLowerCase() !== "post") return;
    event.preventDefault();
    flush().then(function (saved) {
      delete other.dataset.submitting;  // portal.js's double-click guard saw this attempt
      if (saved) other.submit();  // submit() sends no submit event: this listener lets it go
    });  // when the save failed, the failure is shown and the form stays: nothing typed is lost
  }, true);

  /* Leaving the page (a link, the back button, the phone switching apps): send what is pending on its way. */
  function leave() {
    if (!dirty && !timer) return;
    clearTimeout(timer);
    timer = null;
    dirty = false;
    navigator.sendBeacon(url, new FormData(form));
  }
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });
})();
