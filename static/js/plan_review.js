/* The review of a plan parsed from a document: add a target the parser missed under a point (a new row of
   s{i}-p{j}-t{k}-… fields, the point's target count raised so that the server reads it). Moving a point to another
   section is a plain <select> (s{i}-p{j}-section) that the server reads. */
document.addEventListener("click", function (event) {
  const button = event.target.closest(".add-target");
  if (!button) return;
  const point = button.closest(".review-point");
  const count = point.querySelector("input.target-count");
  const index = parseInt(count.value, 10) || 0;
  const html = document.getElementById("new-target").innerHTML
    .replaceAll("PREFIX", button.dataset.prefix).replaceAll("-tN-", "-t" + index + "-");
  point.querySelector(".review-targets").insertAdjacentHTML("beforeend", html);
  count.value = index + 1;
  point.querySelector(".review-targets .review-target:last-child input[name$='-metric']").focus();
});
