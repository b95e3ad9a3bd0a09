// Our part of the form editor: the preview of a fact check and the widget for `appearance`.
//
// The preview shows every value as text, never as HTML.
// React (window.h, Decap's createElement) escapes text children, so a hostile value typed into
// any field shows as the characters it is. Links are not made clickable: a `javascript:` URL
// typed into a source stays text. Markdown is shown as written; the built page renders it with
// the site's own sanitised Markdown (the editor is not where readers see it).
/* global CMS, h, createClass */
(function () {
  "use strict";
  function text(value) {
    if (value === undefined || value === null) return "";
    if (typeof value === "object" && typeof value.toJS === "function") value = value.toJS();
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }
  function row(label, value) {
    var shown = text(value);
    if (!shown) return null;
    return h("div", { className: "fc-row" }, h("dt", null, label), h("dd", { style: { whiteSpace: "pre-wrap" } }, shown));
  }
  function list(label, items, describe) {
    if (!items || !items.size) return null;
    return h("section", null, h("h3", null, label),
      h("ol", null, items.toArray().map(function (item, i) {
        return h("li", { key: i, style: { whiteSpace: "pre-wrap" } }, describe(item));
      })));
  }
  function field(item, name) { return text(item && item.get ? item.get(name) : item); }
  // The verdict as readers see it: its label on the site's scale (the form's menu holds it).
  function verdictLabel(fields, key) {
    var verdict = fields && fields.find(function (f) { return f.get("name") === "verdict"; });
    var option = verdict && verdict.get("options").find(function (o) { return o.get("value") === key; });
    return option ? option.get("label") + " (" + key + ")" : key;
  }
  var ClaimPreview = function (props) {
    var data = props.entry.get("data");
    var get = function (name) { return data.get(name); };
    return h("article", { style: { fontFamily: "sans-serif", padding: "1em", lineHeight: 1.5 } },
      h("p", { style: { fontSize: "0.8em", color: "#555" } },
        "Preview: every value as plain text. The published page renders the Markdown."),
      h("h1", null, text(get("claim"))),
      h("dl", null,
        row("Claimant", get("claimant")),
        row("Verdict", get("verdict") ? verdictLabel(props.fields, text(get("verdict"))) : ""),
        row("Claim date", get("claim_date")),
        row("Published", get("published")),
        row("Updated", get("updated")),
        row("Author", get("author")),
        row("Status", get("status"))),
      h("section", null, h("h3", null, "Summary"), h("p", { style: { whiteSpace: "pre-wrap" } }, text(get("summary")))),
      get("analysis") ? h("section", null, h("h3", null, "Analysis"),
        h("p", { style: { whiteSpace: "pre-wrap" } }, text(get("analysis")))) : null,
      list("Appearances", get("appearance"), function (u) { return text(u); }),
      list("Sources", get("sources"), function (s) {
        return [field(s, "title"), field(s, "publisher"), field(s, "date"), field(s, "url"), field(s, "archive_url")]
          .filter(Boolean).join(" · ");
      }),
      list("Quotes", get("quotes"), function (q) {
        return [field(q, "expert"), field(q, "role"), field(q, "stance"), field(q, "text"), field(q, "source")]
          .filter(Boolean).join(" · ");
      }),
      list("Tags", get("tags"), function (t) { return text(t); }),
      list("Related checks", get("related"), function (t) { return text(t); }),
      list("Reviewed by", get("reviewed_by"), function (t) { return text(t); }),
      list("Corrections", get("corrections"), function (c) { return [field(c, "date"), field(c, "note")].join(" · "); }),
      get("withdrawn") ? row("Withdrawn", [field(get("withdrawn"), "date"), field(get("withdrawn"), "note")].join(" · ")) : null);
  };
  CMS.registerPreviewTemplate("claims", ClaimPreview);

  // `appearance` is one URL or a list of them in a claim file; Decap's list widget breaks on a
  // single string. This one takes either, shows one URL a line, and writes back the shape it
  // read (one URL stays a plain string), so an untouched field never changes in the file.
  function urls(value) {
    if (value === undefined || value === null || value === "") return [];
    if (typeof value === "string") return [value];
    if (typeof value.toJS === "function") value = value.toJS();
    return Array.isArray(value) ? value.map(String) : [String(value)];
  }
  var UrlsControl = createClass({
    getInitialState: function () {
      // A new field writes one URL as a string, like the contract's example; a list stays a list.
      var value = this.props.value;
      return { single: typeof value === "string" || urls(value).length === 0, text: urls(value).join("\n") };
    },
    isValid: function () {
      var pattern = new RegExp(this.props.field.get("pattern_each") || "^https?://");
      var given = urls(this.value(this.state.text));
      var bad = given.filter(function (u) { return !pattern.test(u); });
      var most = this.props.field.get("max");
      if (most && given.length > most) return { error: { message: "At most " + most + " addresses" } };
      return bad.length ? { error: { message: "Each line must be a full address starting with https://: " +
        bad.join(", ") } } : true;
    },
    value: function (text) {
      var list = text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
      if (!list.length) return "";
      return list.length === 1 && this.state.single ? list[0] : list;
    },
    onChange: function (event) {
      this.setState({ text: event.target.value });
      this.props.onChange(this.value(event.target.value));
    },
    render: function () {
      return h("textarea", {
        id: this.props.forID, className: this.props.classNameWrapper, rows: 2,
        value: this.state.text, onChange: this.onChange,
        onFocus: this.props.setActiveStyle, onBlur: this.props.setInactiveStyle,
        placeholder: "https://...  (one address a line)"
      });
    }
  });
  var UrlsPreview = function (props) { return h("div", null, urls(props.value).join("\n")); };
  CMS.registerWidget("factcheck-urls", UrlsControl, UrlsPreview);
})();
