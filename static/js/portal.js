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
