/* League Portal: the tree browser's expand and collapse. Children are loaded once by htmx;
   later clicks only show or hide the rows already on the page. */
function portalToggle(button) {
  const row = button.closest("tr");
  const expanded = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", expanded ? "false" : "true");
  button.textContent = expanded ? "▸" : "▾";
  if (!button.dataset.loaded) { button.dataset.loaded = "1"; return; }
  const open = {};  // path -> whether that row is shown with its children open
  open[row.dataset.path] = !expanded;
  document.querySelectorAll("#org-tree tr[data-path]").forEach(function (r) {
    if (r === row || !r.dataset.path.startsWith(row.dataset.path)) return;
    const visible = open[r.dataset.parent] === true;
    r.hidden = !visible;
    const toggle = r.querySelector(".tree-toggle[aria-expanded]");
    open[r.dataset.path] = visible && !!toggle && toggle.getAttribute("aria-expanded") === "true";
  });
}

/* Forms whose fields depend on a choice: an input with data-shown-when="name=value1,value2" is shown (with its
   label) only while the field `name` of its form holds one of those values. */
function portalDependentFields(root) {
  root.querySelectorAll("[data-shown-when]").forEach(function (input) {
    const [name, values] = input.dataset.shownWhen.split("=");
    const control = input.form && input.form.elements[name];
    if (!control) return;
    const block = input.closest(".mb-3") || input;
    const update = function () { block.hidden = !values.split(",").includes(control.value); };
    control.addEventListener("change", update);
    update();
  });
}
document.addEventListener("DOMContentLoaded", function () { portalDependentFields(document); });

/* Behaviour the markup asks for with data attributes, never with inline handlers (the Content-Security-Policy allows
   no inline script): data-confirm on a form asks before it is sent, data-autosubmit on a field sends its form on
   change, data-select-on-focus selects a field's text, data-tree-toggle expands a row of the tree browser. */
document.addEventListener("submit", function (event) {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();  // nor does the double-click guard below count it as sent
  }
}, true);
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
document.addEventListener("focusin", function (event) {
  if (event.target.matches("[data-select-on-focus]")) event.target.select();
});
document.addEventListener("click", function (event) {
  const toggle = event.target.closest("[data-tree-toggle]");
  if (toggle) portalToggle(toggle);
});

/* A second click on a form's button while the page is still sending the first does nothing (the services also
   treat a repeated progress entry as one). Only writes: a GET form (filters, downloads such as the Word and then
   the PDF of one circular) may be sent again at once. htmx requests disable their own elements with
   hx-disabled-elt. */
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.hasAttribute("hx-post") || form.dataset.submitting) {
    if (form.dataset.submitting) event.preventDefault();
    return;
  }
  form.dataset.submitting = "1";
  setTimeout(function () { delete form.dataset.submitting; }, 5000);  // a download keeps the page: allow again
});

/* List tables with a bulk action (core/tables.py, selection_column): the header's box ticks or clears every row's
   box of the same bulk form. */
document.addEventListener("change", function (event) {
  const all = event.target;
  if (!all.classList || !all.classList.contains("select-all")) return;
  document.querySelectorAll('input.row-select[form="' + all.dataset.form + '"]').forEach(function (box) {
    if (!box.disabled) box.checked = all.checked;
  });
});
/* A form opened by its button (填报进度 on a work point page) comes in expanded: bring it into view and put the
   cursor in its first field, so that nothing more needs a click. */
function portalRevealOpened(root) {
  const opened = root.querySelector("details[data-opened]");
  if (!opened) return;
  opened.removeAttribute("data-opened");
  opened.scrollIntoView({block: "nearest", behavior: "smooth"});
  // the first field still to fill (the date is already today's)
  const fields = Array.from(opened.querySelectorAll("input:not([type=hidden]):not([type=file]):not([disabled]), select, textarea"));
  const field = fields.find(function (f) { return !f.value; }) || fields[0];
  if (field) field.focus({preventScroll: true});
}
document.addEventListener("htmx:afterSwap", function (event) { portalRevealOpened(event.detail.target); });
document.addEventListener("DOMContentLoaded", function () { portalRevealOpened(document); });
