using System.Text.Json;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The in-page JavaScript of <see cref="PlaywrightWebExecutor"/>: set-of-marks labelling and the
/// small DOM queries the executor makes at execution time (what is at a point, what has focus, scrolling, picking
/// a <c>&lt;select&gt;</c> option).
/// </summary>
/// <remarks>
/// <para>Labelling: the visible interactive elements in the viewport (links, buttons, form fields, <c>summary</c>,
/// <c>label[for]</c>, elements with an ARIA widget role, <c>onclick</c>, <c>contenteditable</c>, a non-negative
/// <c>tabindex</c>, or a pointer cursor that their parent does not have) are numbered 0..n-1 in document order
/// (shadow roots included). An element counts as visible when it has a size, is not hidden by CSS and a
/// hit test at its centre or near one of its corners reaches it (so covered elements are left out). When one
/// candidate contains another, only the inner one is kept. Bounds are the part of the element inside the
/// viewport, in CSS pixels (= screenshot pixels at device scale factor 1). The overlay (a box and a numbered tag
/// per element, above the element when there is room) is a fixed, pointer-transparent layer that
/// <see cref="UnmarkScript"/> removes after the screenshot.</para>
/// </remarks>
internal static class SetOfMarks
{
    /// <summary>The id of the overlay element.</summary>
    internal const string OverlayId = "__glm4vsk_set_of_marks__";

    /// <summary>Shared helpers, pasted at the top of each script's body.</summary>
    private const string Helpers = """
        const OVERLAY = '__glm4vsk_set_of_marks__';
        // Realm-agnostic (elements of a frame's document fail instanceof tests against this window's classes).
        const parentOf = n => n.parentElement || (n.getRootNode && n.getRootNode().host) || null;
        const containsDeep = (a, b) => { for (let n = b; n; n = parentOf(n)) if (n === a) return true; return false; };
        const hitIn = (root, x, y) => {
          let h = root.elementFromPoint(x, y);
          while (h && h.shadowRoot) {
            const inner = h.shadowRoot.elementFromPoint(x, y);
            if (!inner || inner === h) break;
            h = inner;
          }
          return h;
        };
        const deepHit = (x, y) => hitIn(document, x, y);
        // Frames: a same-origin frame's document is followed; one whose document this page cannot read
        // (cross-origin, sandboxed, data:) is reported as such, so the caller can decide conservatively.
        const MAX_FRAME_DEPTH = 16;
        const frameWindow = el => (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME' || el.tagName === 'OBJECT')) ? el.contentWindow : null;
        const frameDocument = el => { try { return el.contentDocument || null; } catch (e) { return null; } };
        const frameSource = el => el.getAttribute('src') || el.getAttribute('data') || (el.hasAttribute('srcdoc') ? 'srcdoc' : '') || el.tagName.toLowerCase();
        // Where a frame's viewport starts in its parent's viewport (inside its border and padding).
        const frameOrigin = el => {
          const r = el.getBoundingClientRect();
          const st = el.ownerDocument.defaultView.getComputedStyle(el);
          return [r.left + el.clientLeft + (parseFloat(st.paddingLeft) || 0), r.top + el.clientTop + (parseFloat(st.paddingTop) || 0)];
        };
        // The element at a viewport point, through shadow roots and same-origin frames: { el, sealed } where sealed
        // is the frame element when the point is inside a frame that cannot be inspected.
        const hitThroughFrames = (x, y) => {
          let doc = document;
          for (let depth = 0; ; depth++) {
            const h = hitIn(doc, x, y);
            if (!frameWindow(h)) return { el: h, sealed: null };
            const inner = frameDocument(h);
            if (!inner || depth >= MAX_FRAME_DEPTH) return { el: h, sealed: h };
            const [ox, oy] = frameOrigin(h);
            x -= ox; y -= oy; doc = inner;
          }
        };
        // The focused element, through shadow roots and same-origin frames: { el, sealed } as above; el null when
        // only a document (not a field) has focus.
        const focusThroughFrames = () => {
          let doc = document;
          for (let depth = 0; ; depth++) {
            let el = doc.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
            if (!el) return { el: null, sealed: null };
            if (!frameWindow(el)) {
              const page = el === doc.body || el === doc.documentElement;
              return { el: page && !el.isContentEditable ? null : el, sealed: null };
            }
            const inner = frameDocument(el);
            if (!inner || depth >= MAX_FRAME_DEPTH) return { el, sealed: el };
            doc = inner;
          }
        };
        const squash = s => (s == null ? '' : String(s)).replace(/\s+/g, ' ').trim();
        const NON_TEXT_INPUTS = ['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color', 'hidden'];
        const inputType = el => el.tagName === 'INPUT' ? String(el.type || 'text').toLowerCase() : null;
        const isEditable = el => {
          if (!el || !el.tagName) return false;
          if (el.tagName === 'TEXTAREA') return !el.readOnly && !el.disabled;
          if (el.tagName === 'INPUT') return !NON_TEXT_INPUTS.includes(inputType(el)) && !el.readOnly && !el.disabled;
          if (el.isContentEditable) return true;
          const role = (el.getAttribute('role') || '').toLowerCase();
          return role === 'textbox' || role === 'searchbox' || role === 'combobox';
        };
        const textOf = (el, maxText) => {
          const tag = el.tagName.toLowerCase();
          const type = inputType(el);
          const aria = squash(el.getAttribute('aria-label'));
          const title = squash(el.getAttribute('title'));
          let text;
          if (tag === 'input' || tag === 'textarea') {
            if (type === 'button' || type === 'submit' || type === 'reset') text = squash(el.value) || aria || title;
            else if (type === 'image') text = squash(el.alt) || aria || title;
            else {
              const value = (type === 'password' || type === 'checkbox' || type === 'radio' || type === 'file') ? '' : squash(el.value);
              const labels = el.labels ? squash([...el.labels].map(l => l.innerText).join(' ')) : '';
              text = aria || squash(el.placeholder) || value || title || labels;
            }
          } else if (tag === 'select') {
            const o = el.selectedOptions && el.selectedOptions[0];
            text = squash(o ? o.text : '') || aria || title;
          } else {
            const img = el.querySelector ? el.querySelector('img[alt]') : null;
            text = squash(el.innerText) || aria || title || (img ? squash(img.alt) : '') || squash(el.getAttribute('placeholder'));
          }
          return text.length > maxText ? text.slice(0, Math.max(1, maxText - 1)) + '…' : text;
        };
        // What kind of secret a field holds: a password (type=password or a password autocomplete token), a payment
        // card (any cc-* autocomplete token) or a one-time code; null for other fields.
        const secretKind = el => {
          if (!el || !el.getAttribute) return null;
          if (inputType(el) === 'password') return 'password';
          const tokens = String(el.getAttribute('autocomplete') || '').toLowerCase().split(/\s+/);
          if (tokens.includes('current-password') || tokens.includes('new-password')) return 'password';
          if (tokens.some(t => t.startsWith('cc-'))) return 'payment card';
          if (tokens.includes('one-time-code')) return 'one-time code';
          return null;
        };
        const describe = (el, maxText, sealed) => ({
          tag: el.tagName.toLowerCase(),
          type: inputType(el),
          text: textOf(el, maxText),
          editable: isEditable(el),
          secret: secretKind(el),
          select: el.tagName === 'SELECT',
          sealedFrame: sealed ? frameSource(sealed) : null,
        });
        // The element at a point (through frames), a label resolved to its control: { el, hit, sealed }.
        const resolveAt = (x, y) => {
          const { el: hit, sealed } = hitThroughFrames(x, y);
          let h = hit;
          if (h && !sealed && !isEditable(h) && h.tagName !== 'SELECT') {
            const label = h.closest ? h.closest('label') : null;
            if (label && label.control) h = label.control;
          }
          return { el: h, hit, sealed };
        };
        """;

    /// <summary>
    /// Labels the page; argument <c>{ maxText, draw }</c>. Returns <c>{ width, height, items: [{ tag, text, type, x, y, w, h }] }</c>.
    /// </summary>
    internal const string MarkScript = "(opts) => {\n" + Helpers + """
          for (const old of document.querySelectorAll('#' + OVERLAY)) old.remove();
          const vw = window.innerWidth, vh = window.innerHeight;
          const SELECTOR = [
            'a[href]', 'button', 'input:not([type=hidden])', 'textarea', 'select', 'summary', 'label[for]', '[onclick]',
            '[contenteditable=""]', '[contenteditable="true"]', '[contenteditable="plaintext-only"]', '[tabindex]:not([tabindex^="-"])',
            ...['button', 'link', 'textbox', 'searchbox', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
                'menuitemradio', 'option', 'combobox', 'slider', 'spinbutton', 'treeitem'].map(r => `[role=${r}]`),
          ].join(',');
          const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'svg']);
          const candidates = [];
          const isCandidate = el => {
            if (el.matches(SELECTOR)) return true;
            if (getComputedStyle(el).cursor !== 'pointer') return false;
            const p = parentOf(el);
            return !p || getComputedStyle(p).cursor !== 'pointer';
          };
          const visit = node => {
            for (let el = node.firstElementChild; el; el = el.nextElementSibling) {
              if (el.id === OVERLAY || SKIP.has(el.tagName)) continue;
              if (el !== document.body && el !== document.documentElement && isCandidate(el)) candidates.push(el);
              if (el.shadowRoot) visit(el.shadowRoot);
              visit(el);
            }
          };
          visit(document);

          const visible = [];
          for (const el of candidates) {
            if (el.disabled === true) continue;
            const r = el.getBoundingClientRect();
            if (r.width < 1 || r.height < 1) continue;
            const x1 = Math.max(0, r.left), y1 = Math.max(0, r.top), x2 = Math.min(vw, r.right), y2 = Math.min(vh, r.bottom);
            if (x2 - x1 < 1 || y2 - y1 < 1) continue;
            const st = getComputedStyle(el);
            if (st.visibility === 'hidden' || st.visibility === 'collapse' || st.display === 'none' || parseFloat(st.opacity) === 0) continue;
            const dx = Math.min(2, (x2 - x1) / 4), dy = Math.min(2, (y2 - y1) / 4);
            const points = [[(x1 + x2) / 2, (y1 + y2) / 2], [x1 + dx, y1 + dy], [x2 - dx, y1 + dy], [x1 + dx, y2 - dy], [x2 - dx, y2 - dy]];
            const reached = points.some(([x, y]) => {
              const h = deepHit(x, y);
              if (!h) return false;
              if (containsDeep(el, h)) return true;
              const label = h.closest ? h.closest('label') : null;
              return !!label && label.control === el;
            });
            if (!reached) continue;
            visible.push({ el, x: x1, y: y1, w: x2 - x1, h: y2 - y1 });
          }

          // Keep the innermost candidates: drop every element that contains another visible candidate.
          const outer = new Set();
          for (const v of visible) for (let n = parentOf(v.el); n; n = parentOf(n)) outer.add(n);
          const kept = visible.filter(v => !outer.has(v.el));

          const items = kept.map(v => {
            const d = describe(v.el, opts.maxText);
            return { tag: d.tag, text: d.text, type: d.type, x: v.x, y: v.y, w: v.w, h: v.h };
          });

          if (opts.draw && items.length > 0) {
            const colours = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000', '#808000', '#000075'];
            const root = document.createElement('div');
            root.id = OVERLAY;
            root.setAttribute('aria-hidden', 'true');
            root.style.cssText = 'all:initial;position:fixed;left:0;top:0;width:0;height:0;overflow:visible;z-index:2147483647;pointer-events:none;';
            items.forEach((it, i) => {
              const c = colours[i % colours.length];
              const box = document.createElement('div');
              box.style.cssText = `all:initial;position:fixed;box-sizing:border-box;left:${it.x}px;top:${it.y}px;width:${it.w}px;height:${it.h}px;border:2px solid ${c};pointer-events:none;`;
              const tag = document.createElement('div');
              tag.textContent = String(i);
              const top = it.y >= 14 ? it.y - 14 : it.y;
              tag.style.cssText = `all:initial;position:fixed;left:${it.x}px;top:${top}px;height:14px;background:${c};color:#fff;font:bold 12px/14px monospace;padding:0 3px;pointer-events:none;white-space:nowrap;`;
              root.append(box, tag);
            });
            document.documentElement.appendChild(root);
          }
          return { width: vw, height: vh, items };
        }
        """;

    /// <summary>Removes the overlay.</summary>
    internal const string UnmarkScript =
        "() => { for (const n of document.querySelectorAll('#" + OverlayId + "')) n.remove(); }";

    /// <summary>
    /// Describes the element at a point (a <c>label</c> resolves to its control); argument <c>{ x, y, maxText, retarget }</c>.
    /// With <c>retarget</c>, a link that would open a new tab is changed to open in this one (as WebVoyager does).
    /// Returns <see langword="null"/> when nothing is there.
    /// </summary>
    internal const string ElementAtPointScript = "(a) => {\n" + Helpers + """
          const { el, hit, sealed } = resolveAt(a.x, a.y);
          if (!el) return null;
          if (a.retarget) {
            const link = hit && hit.closest ? hit.closest('a[target], area[target]') : null;
            if (link && link.target && link.target !== '_self') link.target = '_self';
            const form = hit && hit.closest ? hit.closest('form[target]') : null;
            if (form && form.target && form.target !== '_self') form.target = '_self';
          }
          return describe(el, a.maxText, sealed);
        }
        """;

    /// <summary>
    /// Describes the focused element (into shadow roots and same-origin frames; a frame that cannot be inspected is
    /// described with <c>sealedFrame</c>), or <see langword="null"/> when only a page has focus; argument <c>{ maxText }</c>.
    /// </summary>
    internal const string FocusedElementScript = "(a) => {\n" + Helpers + """
          const { el, sealed } = focusThroughFrames();
          return el ? describe(el, a.maxText, sealed) : null;
        }
        """;

    /// <summary>
    /// Chooses the option of the <c>&lt;select&gt;</c> at a point whose text or value matches (exactly, then by
    /// prefix, then by substring, ignoring case) and fires <c>input</c> and <c>change</c>; argument <c>{ x, y, text }</c>.
    /// Returns <c>{ ok, chosen, options }</c>.
    /// </summary>
    internal const string SelectOptionScript = "(a) => {\n" + Helpers + """
          const { el: sel } = resolveAt(a.x, a.y);
          if (!sel || sel.tagName !== 'SELECT') return { ok: false, chosen: null, options: [] };
          const want = squash(a.text).toLowerCase();
          const opts = [...sel.options];
          const norm = o => [squash(o.text).toLowerCase(), squash(o.value).toLowerCase()];
          const pick = opts.find(o => norm(o).includes(want))
            || opts.find(o => norm(o).some(s => s.startsWith(want)))
            || opts.find(o => norm(o).some(s => want.length > 0 && s.includes(want)));
          const names = opts.slice(0, 20).map(o => squash(o.text));
          if (!pick) return { ok: false, chosen: null, options: names };
          sel.value = pick.value;
          pick.selected = true;
          sel.dispatchEvent(new Event('input', { bubbles: true }));
          sel.dispatchEvent(new Event('change', { bubbles: true }));
          return { ok: true, chosen: squash(pick.text), options: names };
        }
        """;

    /// <summary>
    /// Scrolls the window (<c>element: false</c>) or the nearest scrollable ancestor of the element at a point,
    /// falling back to the window when there is none; when the window cannot scroll, the scrollable element at the
    /// viewport centre is scrolled instead. Argument <c>{ x, y, element, sign, amount }</c> (<c>amount</c>
    /// <see langword="null"/> = two thirds of the scrolled box's height). Returns <c>{ target, tag, moved, before, after, max }</c>.
    /// </summary>
    internal const string ScrollScript = "(a) => {\n" + Helpers + """
          const scrollableFrom = start => {
            for (let n = start; n; n = parentOf(n)) {
              if (n === document.body || n === document.documentElement) return null;
              if (n.nodeType !== 1) continue;
              const st = getComputedStyle(n);
              if (/(auto|scroll|overlay)/.test(st.overflowY) && n.scrollHeight > n.clientHeight + 1) return n;
            }
            return null;
          };
          const scrollBox = box => {
            const before = box.scrollTop;
            const amount = a.amount != null ? a.amount : Math.round(box.clientHeight * 2 / 3);
            box.scrollBy({ top: a.sign * amount, left: 0, behavior: 'instant' });
            return { target: 'element', tag: box.tagName.toLowerCase(), before, after: box.scrollTop, moved: box.scrollTop - before, max: box.scrollHeight - box.clientHeight };
          };
          if (a.element) {
            const hit = deepHit(a.x, a.y);
            const box = hit ? scrollableFrom(hit) : null;
            if (box) return scrollBox(box);
          }
          const se = document.scrollingElement || document.documentElement;
          const maxY = se.scrollHeight - window.innerHeight;
          if (maxY > 0) {
            const before = window.scrollY;
            const amount = a.amount != null ? a.amount : Math.round(window.innerHeight * 2 / 3);
            window.scrollBy({ top: a.sign * amount, left: 0, behavior: 'instant' });
            return { target: 'window', tag: null, before, after: window.scrollY, moved: window.scrollY - before, max: maxY };
          }
          const centre = deepHit(window.innerWidth / 2, window.innerHeight / 2);
          const box = centre ? scrollableFrom(centre) : null;
          if (box) return scrollBox(box);
          return { target: 'window', tag: null, before: window.scrollY, after: window.scrollY, moved: 0, max: 0 };
        }
        """;

    /// <summary>Waits for two animation frames (lets wheel scrolling and layout settle).</summary>
    internal const string TwoFramesScript =
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))";

    /// <summary>Reads <see cref="MarkScript"/>'s result as labelled elements (label = index).</summary>
    internal static IReadOnlyList<GuiElement> ReadElements(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            return [];
        var elements = new List<GuiElement>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            elements.Add(new GuiElement(
                elements.Count,
                String(item, "tag") ?? "",
                String(item, "text") ?? "",
                new PixelRect(Number(item, "x"), Number(item, "y"), Number(item, "w"), Number(item, "h")),
                String(item, "type")));
        }
        return elements;
    }

    /// <summary>What the element scripts report about one element.</summary>
    /// <param name="Secret">The kind of secret the field holds (<c>password</c>, <c>payment card</c>, <c>one-time code</c>), or <see langword="null"/>.</param>
    /// <param name="SealedFrame">When the element is a frame whose document the page cannot read (cross-origin, sandboxed), its source; else <see langword="null"/>.</param>
    internal sealed record ElementInfo(string Tag, string? InputType, string Text, bool Editable, string? Secret, bool Select, string? SealedFrame = null)
    {
        /// <summary>
        /// Why typing into this element needs the user's confirmation, or <see langword="null"/>: a secret field, or a
        /// frame whose field cannot be inspected (treated as sensitive, since it may be a login or payment form).
        /// </summary>
        public string? SensitiveReason => SealedFrame is { } source
            ? $"typing into a frame the page cannot inspect ({PlaywrightWebExecutor.Shorten(source, 60)}, cross-origin or sandboxed): its field could not be inspected, so it is treated as sensitive"
            : Secret is { } kind ? $"typing into a {kind} field" : null;

        /// <summary><c>&lt;input type=password&gt; "Password"</c>.</summary>
        public override string ToString()
        {
            string tag = InputType is null or "text" ? $"<{Tag}>" : $"<{Tag} type={InputType}>";
            return Text.Length == 0 ? tag : $"{tag} \"{Text}\"";
        }
    }

    /// <summary>Reads an element description, or <see langword="null"/>.</summary>
    internal static ElementInfo? ReadInfo(JsonElement? result)
    {
        if (result is not { ValueKind: JsonValueKind.Object } e) return null;
        return new ElementInfo(
            String(e, "tag") ?? "",
            String(e, "type"),
            String(e, "text") ?? "",
            Bool(e, "editable"),
            String(e, "secret"),
            Bool(e, "select"),
            String(e, "sealedFrame"));
    }

    internal static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    internal static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
