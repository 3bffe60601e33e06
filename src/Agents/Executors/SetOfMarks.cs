namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The in-page scripts behind set-of-marks screenshots (GLM-V web protocol, formats.md §2.5): find the visible
/// interactive elements in the viewport, number them in document order and draw a box and label on an overlay.
/// </summary>
internal static class SetOfMarks
{
    public const string OverlayId = "__glm4vsk_som__";

    /// <summary>Draws the overlay; returns <c>[{tag, text, type, x, y, w, h}]</c> in label order.</summary>
    public const string MarkScript = """
        () => {
          const old = document.getElementById('__glm4vsk_som__'); if (old) old.remove();
          const sel = 'a[href],button,input:not([type=hidden]),textarea,select,summary,[role=button],[role=link],[role=textbox],'
            + '[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=option],[role=switch],[role=combobox],[onclick],[contenteditable=""],[contenteditable=true],[tabindex]:not([tabindex="-1"])';
          const vw = window.innerWidth, vh = window.innerHeight;
          const seen = new Set(); const out = [];
          for (const el of document.querySelectorAll(sel)) {
            if (seen.has(el)) continue;
            // An interactive element inside another one is represented by the outer one.
            let p = el.parentElement, nested = false;
            while (p) { if (seen.has(p)) { nested = true; break; } p = p.parentElement; }
            if (nested) continue;
            const r = el.getBoundingClientRect();
            if (r.width < 2 || r.height < 2 || r.bottom <= 0 || r.right <= 0 || r.top >= vh || r.left >= vw) continue;
            const st = getComputedStyle(el);
            if (st.visibility === 'hidden' || st.display === 'none' || parseFloat(st.opacity) === 0) continue;
            if (el.disabled) continue;
            const cx = Math.min(Math.max(r.left + r.width / 2, 0), vw - 1), cy = Math.min(Math.max(r.top + r.height / 2, 0), vh - 1);
            const hit = document.elementFromPoint(cx, cy);
            if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) continue;   // covered by something else
            seen.add(el);
            const tag = el.tagName.toLowerCase();
            let text = (el.getAttribute('aria-label') || (tag === 'input' || tag === 'textarea' || tag === 'select' ? '' : el.innerText) || '').replace(/\s+/g, ' ').trim();
            if (!text && tag === 'select' && el.selectedOptions.length) text = el.selectedOptions[0].text;
            if (!text) text = el.getAttribute('placeholder') || el.getAttribute('title') || el.getAttribute('alt') || '';
            if (!text && tag === 'input' && el.type !== 'password') text = el.value || '';
            if (text.length > 80) text = text.slice(0, 79) + '…';
            const x = Math.max(r.left, 0), y = Math.max(r.top, 0);
            out.push({ tag, text, type: tag === 'input' ? (el.getAttribute('type') || 'text').toLowerCase() : null,
                       x, y, w: Math.min(r.right, vw) - x, h: Math.min(r.bottom, vh) - y });
          }
          const layer = document.createElement('div');
          layer.id = '__glm4vsk_som__';
          layer.style.cssText = 'position:fixed;left:0;top:0;width:100%;height:100%;pointer-events:none;z-index:2147483647';
          const colors = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000'];
          out.forEach((e, i) => {
            const c = colors[i % colors.length];
            const box = document.createElement('div');
            box.style.cssText = `position:fixed;left:${e.x}px;top:${e.y}px;width:${e.w}px;height:${e.h}px;border:2px dashed ${c};box-sizing:border-box`;
            const label = document.createElement('span');
            label.textContent = String(i);
            label.style.cssText = `position:absolute;left:-2px;top:-2px;background:${c};color:#fff;font:bold 12px/14px sans-serif;padding:0 3px`;
            box.appendChild(label); layer.appendChild(box);
          });
          document.documentElement.appendChild(layer);
          return out;
        }
        """;

    public const string UnmarkScript = "() => { const l = document.getElementById('__glm4vsk_som__'); if (l) l.remove(); }";

    /// <summary>Whether typing at the point (or, with no point, into the focused element) goes into a password field.</summary>
    public const string IsPasswordTargetScript = """
        (p) => {
          let el = p ? document.elementFromPoint(p.x, p.y) : document.activeElement;
          if (el && el.tagName === 'LABEL' && el.control) el = el.control;
          return !!(el && el.tagName === 'INPUT' && (el.getAttribute('type') || '').toLowerCase() === 'password');
        }
        """;
}
