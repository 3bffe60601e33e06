() => {
  /* helpers */
  for (const n of document.querySelectorAll('#' + OVERLAY)) n.remove();
}
