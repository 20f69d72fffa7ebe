/* League Portal: searchable pickers. An <input> or <select> with data-picker="org" (an organisation, its value the
   code) or data-picker="user" (an account, its value the user name) becomes a tom-select box that asks data-url
   as one types (?q=&purpose=&within=&exclude= from its data- attributes) and offers what the server answers. The
   field keeps its name and value, so without JavaScript — or before this runs — it is the plain code field it
   always was, and the form checks the choice on the server either way.

   Texts come from the page (the widget's placeholder and data-no-results, data-loading, data-failed, translated
   there); the option chosen comes from data-selected (a JSON list). tom-select itself (static/vendor/tom-select/)
   is loaded only on pages that hold a picker: this script's data-tom-select and data-tom-select-css name it. */
(function () {
  "use strict";
  const script = document.currentScript;
  // what the server matches: the beginning of ``prefix``, a part of the other fields (the same rule here keeps the
  // options of an earlier answer only while they still match what is typed)
  const FIELDS = {
    org: {value: "code", label: "name", search: ["code", "name", "short_name"], prefix: "code"},
    user: {value: "username", label: "username", search: ["username", "name"], prefix: "username"},
  };
  let loading = null;

  function loadTomSelect() {
    if (window.TomSelect) return Promise.resolve();
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = script.dataset.tomSelectCss;
      document.head.appendChild(css);
      const js = document.createElement("script");
      js.src = script.dataset.tomSelect;
      js.onload = resolve;
      js.onerror = reject;
      document.head.appendChild(js);
    });
    return loading;
  }

  function searchUrl(input, query) {
    const url = new URL(input.dataset.url, window.location.href);
    url.searchParams.set("q", query);
    ["purpose", "within", "exclude"].forEach(function (name) {
      if (input.dataset[name]) url.searchParams.set(name, input.dataset[name]);
    });
    return url;
  }

  function message(text, escape) {
    return '<div class="no-results">' + escape(text || "") + "</div>";
  }

  function upgrade(input) {
    if (input.tomselect) return;
    const kind = FIELDS[input.dataset.picker];
    if (!kind) return;
    const texts = {
      empty: input.dataset.noResults, loading: input.dataset.loading, failed: input.dataset.failed,
    };
    let failed = false;
    // data-multiple: several organisations in one field, their codes separated by spaces (as typed without it)
    const multiple = input.dataset.multiple === "true";
    const settings = {
      valueField: kind.value, labelField: kind.label, searchField: kind.search, dataAttr: "data-selected",
      maxItems: multiple ? null : 1, delimiter: " ", create: false, persist: false, preload: "focus",
      loadThrottle: 250, maxOptions: 20, closeAfterSelect: !multiple, allowEmptyOption: true,
      plugins: multiple ? ["remove_button"] : input.required ? [] : ["clear_button"],
      // the server ranks and scopes the matches: keep its order, and show an option while it matches the text
      score: function (search) {
        const typed = search.trim().toLowerCase();
        return function (item) {
          if (!typed) return 1;
          return kind.search.some(function (field) {
            const text = String(item[field] || "").toLowerCase();
            return field === kind.prefix ? text.startsWith(typed) : text.includes(typed);
          }) ? 1 : 0;
        };
      },
      load: function (query, callback) {
        const self = this;
        failed = false;
        fetch(searchUrl(input, query), {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
          .then(function (rows) { self.clearOptions(); callback(rows); })
          .catch(function () { failed = true; callback(); });
      },
      render: {
        option: function (item, escape) {
          const below = kind === FIELDS.org
            ? [item.code, item.path_label].filter(Boolean).join(" · ") : (item.name || "");
          return '<div class="picker-option"><div>' + escape(item[kind.label]) + "</div>" +
            (below ? '<div class="small text-muted">' + escape(below) + "</div>" : "") + "</div>";
        },
        item: function (item, escape) {
          const extra = kind === FIELDS.org ? item.code : item.name;
          return "<div>" + escape(item[kind.label]) +
            (extra && extra !== item[kind.label] ? ' <span class="text-muted small">' + escape(extra) + "</span>" : "") +
            "</div>";
        },
        no_results: function (data, escape) { return message(failed ? texts.failed : texts.empty, escape); },
        loading: function (data, escape) {
          return '<div class="picker-loading small text-muted">' + escape(texts.loading || "") + "</div>";
        },
      },
    };
    const select = new window.TomSelect(input, settings);
    // keep Bootstrap's invalid state on the visible box
    if (input.classList.contains("is-invalid")) select.wrapper.classList.add("is-invalid");
    select.wrapper.dataset.pickerFor = input.id;
  }

  function upgradeAll(root) {
    const inputs = root.querySelectorAll("input[data-picker], select[data-picker]");
    if (!inputs.length) return;
    loadTomSelect().then(function () { inputs.forEach(upgrade); }).catch(function () { /* the plain fields stay */ });
  }

  window.portalPickers = upgradeAll;
  document.addEventListener("DOMContentLoaded", function () { upgradeAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { upgradeAll(event.target); });
})();
