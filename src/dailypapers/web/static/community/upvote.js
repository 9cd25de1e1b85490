// Upvote without a page reload. Progressive enhancement of the plain upvote form:
// <form method="post" action="/papers/ID/upvote" data-upvote="ID"> with csrf_token and action inputs and a
// count element (.count or [data-upvote-count]). Without JavaScript the form posts and the server redirects back.
(function () {
  "use strict";
  if (window.dailypapersUpvote) return;  // loaded twice: one listener is enough
  window.dailypapersUpvote = true;
  async function send(form) {
    var id = form.getAttribute("data-upvote");
    var actionInput = form.querySelector("input[name=action]");
    var remove = form.classList.contains("voted") || (actionInput && actionInput.value === "remove");
    var token = form.querySelector("input[name=csrf_token]");
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      var response = await fetch("/api/papers/" + encodeURI(id) + "/upvote", {
        method: remove ? "DELETE" : "POST",
        credentials: "same-origin",
        headers: {"X-CSRF-Token": token ? token.value : "", "Accept": "application/json"},
      });
      if (response.status === 401) {
        window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
        return;
      }
      if (!response.ok) { form.submit(); return; }  // let the server explain (e.g. 429 page)
      var data = await response.json();
      form.classList.toggle("voted", data.upvoted);
      if (actionInput) actionInput.value = data.upvoted ? "remove" : "add";
      if (button) {
        button.setAttribute("aria-pressed", data.upvoted ? "true" : "false");
        button.title = data.upvoted ? "You upvoted this: click to take it back" : "Upvote";
      }
      var count = form.querySelector("[data-upvote-count], .count");
      if (count) count.textContent = String(data.upvotes);
    } catch (err) {
      form.submit();
    } finally {
      if (button) button.disabled = false;
    }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upvote")) return;
    event.preventDefault();
    send(form);
  });
})();
