(a) => {
  /* helpers */
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
