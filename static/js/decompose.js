/* The decomposition form: live sum of the parts and the split buttons (even, by members, same). */
(function () {
  const form = document.getElementById("decompose-form");
  if (!form) return;
  const whole = parseFloat((document.getElementById("whole") || {}).dataset?.value || "NaN");
  const inputs = Array.from(form.querySelectorAll("input.part"));
  const sumCell = document.getElementById("parts-sum");
  const state = document.getElementById("sum-state");
  const fmt = (x) => (Math.round(x * 100) / 100).toString();

  function update() {
    const sum = inputs.reduce((s, i) => s + (parseFloat(i.value) || 0), 0);
    sumCell.textContent = fmt(sum);
    if (state && !isNaN(whole)) {
      const ok = Math.abs(sum - whole) < 1e-9;
      state.textContent = ok ? state.dataset.ok || "✓" : `${fmt(sum)} ≠ ${fmt(whole)}`;
      state.className = "small " + (ok ? "text-success" : "text-danger");
    }
  }

  function split(weights) {  // whole numbers by largest remainder, so the parts add up exactly
    const total = weights.reduce((a, b) => a + b, 0) || weights.length;
    const w = weights.map((x) => (total === weights.length && weights.every((v) => v === 0) ? 1 : x));
    const t = w.reduce((a, b) => a + b, 0);
    const raw = w.map((x) => (whole * x) / t);
    const parts = raw.map(Math.floor);
    let rest = Math.round(whole - parts.reduce((a, b) => a + b, 0));
    raw.map((r, i) => [r - parts[i], i]).sort((a, b) => b[0] - a[0]).slice(0, Math.max(rest, 0)).forEach(([, i]) => parts[i] += 1);
    inputs.forEach((input, i) => (input.value = parts[i]));
    update();
  }

  form.querySelectorAll("[data-split]").forEach((button) => button.addEventListener("click", () => {
    if (!inputs.length || isNaN(whole)) return;
    if (button.dataset.split === "even") split(inputs.map(() => 1));
    else if (button.dataset.split === "members") split(inputs.map((i) => parseFloat(i.dataset.members) || 0));
    else { inputs.forEach((i) => (i.value = fmt(whole))); update(); }
  }));
  inputs.forEach((input) => input.addEventListener("input", update));
  update();
})();
