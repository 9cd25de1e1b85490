// Save / "not interested" without a page reload: progressive enhancement of the forms in _library_actions.html.
// Without JavaScript the forms post and the server redirects back to the same card.
(function () {
  "use strict";
  if (window.dailypapersLibrary) return;
  window.dailypapersLibrary = true;
  function token(form) {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  async function call(form, method, url, body) {
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      var response = await fetch(url, {
        method: method, credentials: "same-origin",
        headers: {"X-CSRF-Token": token(form), "Accept": "application/json", "Content-Type": "application/json"},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok) { form.submit(); return null; }
      return await response.json();
    } catch (err) {
      form.submit();
      return null;
    } finally {
      if (button) button.disabled = false;
    }
  }
  async function toggleSave(form) {
    var id = form.getAttribute("data-library-save");
    var action = form.querySelector("input[name=action]");
    var removing = action && action.value === "remove";
    var data = removing ? await call(form, "DELETE", "/api/library/" + encodeURI(id))
                        : await call(form, "POST", "/api/library", {arxivId: id});
    if (!data) return;
    var saved = !removing;
    form.classList.toggle("saved", saved);
    if (action) action.value = saved ? "remove" : "save";
    var button = form.querySelector("button");
    if (button) {
      button.textContent = saved ? "Saved" : "Save";
      button.setAttribute("aria-pressed", saved ? "true" : "false");
    }
    var box = form.closest(".library-actions");
    var dismiss = box && box.querySelector("[data-library-dismiss]");
    if (dismiss) dismiss.hidden = saved;
  }
  async function dismiss(form) {
    var id = form.getAttribute("data-library-dismiss");
    var data = await call(form, "POST", "/api/library/" + encodeURI(id) + "/not-interested");
    if (!data) return;
    var card = form.closest("li.card");
    if (card) { card.hidden = true; } else { form.querySelector("button").textContent = "Hidden from your lists"; }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute("data-library-save")) { event.preventDefault(); toggleSave(form); }
    else if (form.hasAttribute("data-library-dismiss")) { event.preventDefault(); dismiss(form); }
  });
})();
// "Add to list" without a reload: the form posts to /lists/add asking for JSON and says where the paper went.
(function () {
  "use strict";
  if (window.dailypapersAddToList) return;
  window.dailypapersAddToList = true;
  document.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-add-to-list")) return;
    event.preventDefault();
    var status = form.querySelector(".add-to-list-status");
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      var response = await fetch(form.action, {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: {"Accept": "application/json"},
      });
      if (!response.ok) { form.submit(); return; }
      var data = await response.json();
      if (status) status.textContent = (data.added ? "Added to " : "Already in ") + data.name;
    } catch (err) {
      form.submit();
    } finally {
      if (button) button.disabled = false;
    }
  });
})();
