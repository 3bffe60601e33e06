(a) => {
  /* helpers */
  const { el, sealed } = focusThroughFrames();
  return el ? describe(el, a.maxText, sealed) : null;
}
