(a) => {
  /* helpers */
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
