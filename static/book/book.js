// The program book's "Print" button (no inline scripts: the content-security policy forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-action='print']")) {
    window.print();
  }
});
