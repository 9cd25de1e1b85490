// Small enhancements only: every page works without this file.
// "/" focuses the search box (unless typing in a field already).
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {  // close an open account menu
    document.querySelectorAll("details.usermenu[open]").forEach((d) => d.removeAttribute("open"));
    return;
  }
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target.isContentEditable) return;
  const box = document.getElementById("q") || document.getElementById("quick-q");
  if (box) { event.preventDefault(); box.focus(); }
});

// A click outside the account menu closes it.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.usermenu[open]").forEach((d) => {
    if (!d.contains(event.target)) d.removeAttribute("open");
  });
});

// The subscribe banner's ×: the same cookie /banner/hide sets, without leaving the page.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("[data-dismiss=banner]") : null;
  if (!link) return;
  event.preventDefault();
  document.cookie = "dp_banner=hidden; path=/; max-age=31536000; samesite=lax";
  const banner = link.closest(".banner");
  if (banner) banner.remove();
});

// Slow forms (a submission waits for arXiv) say they are working and cannot be sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy || event.defaultPrevented) return;
  const button = form.querySelector("button[type=submit]");
  if (!button) return;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  button.textContent = form.dataset.busy;
  button.setAttribute("aria-disabled", "true");
  form.setAttribute("aria-busy", "true");
});
