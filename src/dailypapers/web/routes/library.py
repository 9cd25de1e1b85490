"""The personal library pages: save / remove / "not interested" buttons (plain forms that redirect back; the
static library.js sends them through the API without a reload), tags and notes, /library, export and import."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dailypapers.library import service
from dailypapers.library.export import to_bibtex, to_csl_json
from dailypapers.library.formats import ReferenceFileError
from dailypapers.store import library as store
from dailypapers.web.auth import csrf_protect, require_user, safe_next
from dailypapers.web.deps import get_db, templates
from dailypapers.web.routes.community_papers import _local_path, visible_paper

router = APIRouter(include_in_schema=False)
MAX_IMPORT_BYTES = 5_000_000


def _back(request: Request, next_url: str, arxiv_id: str) -> RedirectResponse:
    referer = _local_path(request.headers.get("referer", ""))
    target = safe_next(next_url) if next_url else safe_next(referer, "/")
    if "#" not in target:
        target += f"#paper-{arxiv_id.replace('/', '-')}"
    return RedirectResponse(target, status_code=303)


def input_error(exc: service.LibraryInputError) -> HTTPException:
    return HTTPException(exc.status, f"field '{exc.field}': {exc.message}")


@router.post("/library/papers/{arxiv_id:path}/save")
def save_form(request: Request, arxiv_id: str, action: str = Form("save"), next: str = Form(""),
              user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    paper = visible_paper(request, arxiv_id)
    if action not in ("save", "remove"):
        raise HTTPException(400, f"form field 'action': expected save or remove, got {action!r}")
    if action == "save":
        service.save(get_db(request), user["id"], paper["id"])
    else:
        service.remove(get_db(request), user["id"], paper["id"])
    return _back(request, next, paper["arxiv_id"])


@router.post("/library/papers/{arxiv_id:path}/not-interested")
def not_interested_form(request: Request, arxiv_id: str, action: str = Form("add"), next: str = Form(""),
                        user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    paper = visible_paper(request, arxiv_id)
    if action not in ("add", "undo"):
        raise HTTPException(400, f"form field 'action': expected add or undo, got {action!r}")
    service.set_not_interested(get_db(request), user["id"], paper["id"], undo=action == "undo")
    return _back(request, next, paper["arxiv_id"])


@router.post("/library/papers/{arxiv_id:path}/edit")
def edit_form(request: Request, arxiv_id: str, tags: str = Form(""), note: str = Form(""), next: str = Form(""),
              user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    paper = visible_paper(request, arxiv_id)
    try:
        service.update(get_db(request), user["id"], paper["id"], service.clean_tags(tags), service.clean_note(note))
    except service.LibraryInputError as exc:
        raise input_error(exc) from None
    return _back(request, next or "/library", paper["arxiv_id"])


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, tag: str = "", sort: str = "saved", user: dict = Depends(require_user)):
    if sort not in store.SORTS:
        raise HTTPException(422, f"query parameter 'sort': expected one of {', '.join(store.SORTS)}, got {sort!r}")
    with get_db(request).connect() as conn:
        rows = store.list_library(conn, user["id"], tag=tag or None, sort=sort)
        tags = store.tag_counts(conn, user["id"])
    return templates(request).TemplateResponse(request, "library/library.html", {
        "rows": rows, "tags": tags, "tag": tag, "sort": sort, "nav": "library"})


def _export_rows(request: Request, user: dict, tag: str) -> list[dict]:
    with get_db(request).connect() as conn:
        return store.list_library(conn, user["id"], tag=tag or None)


@router.get("/library/export.bib")
def export_bibtex(request: Request, tag: str = "", user: dict = Depends(require_user)):
    return Response(to_bibtex(_export_rows(request, user, tag)), media_type="application/x-bibtex; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="library.bib"'})


@router.get("/library/export.json")
def export_csl_json(request: Request, tag: str = "", user: dict = Depends(require_user)):
    return Response(to_csl_json(_export_rows(request, user, tag)), media_type="application/vnd.citationstyles.csl+json",
                    headers={"Content-Disposition": 'attachment; filename="library.json"'})


@router.get("/library/import", response_class=HTMLResponse)
def import_form(request: Request, user: dict = Depends(require_user)):
    return templates(request).TemplateResponse(request, "library/import.html",
                                              {"result": None, "error": None, "nav": "library"})


@router.post("/library/import", response_class=HTMLResponse)
async def import_upload(request: Request, references: str = Form(""), file: UploadFile | None = None,
                        user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    text = references
    if file is not None and file.filename:
        raw = await file.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise HTTPException(413, f"form field 'file': larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise HTTPException(422, "form field 'file': not UTF-8 text") from None
    if not text.strip():
        raise HTTPException(422, "form field 'references': paste a file's content or choose a file")
    from starlette.concurrency import run_in_threadpool

    try:
        result = await run_in_threadpool(service.import_references, get_db(request), user["id"], text)
    except ReferenceFileError as exc:
        return templates(request).TemplateResponse(request, "library/import.html",
                                                  {"result": None, "error": str(exc), "nav": "library"}, 422)
    return templates(request).TemplateResponse(request, "library/import.html",
                                              {"result": result, "error": None, "nav": "library"})
