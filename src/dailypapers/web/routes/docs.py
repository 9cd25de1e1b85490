"""`/docs`: an API reference rendered on the server from the OpenAPI schema (works offline, no CDN assets)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from dailypapers.community.sanitize import render_comment
from dailypapers.web.deps import templates

router = APIRouter(include_in_schema=False)


def _md(text: str) -> Markup:
    """Endpoint descriptions are Markdown (backticks, lists); rendered and cleaned like comments."""
    return Markup(render_comment(text)) if text else Markup("")


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request):
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [{
                "name": p["name"], "in": p["in"], "required": p.get("required", False),
                "type": _type_of(p.get("schema", {})), "description": _md(p.get("description") or
                                   p.get("schema", {}).get("description", "")),
                "default": p.get("schema", {}).get("default"),
            } for p in op.get("parameters", [])]
            params += _body_params(schema, op.get("requestBody"))
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "description": _md(op.get("description", "")), "params": params,
                               "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")})
    return templates(request).TemplateResponse(request, "docs.html", {"operations": operations, "info": schema["info"],
                                                                      "nav": None})


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return root.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return schema


def _body_params(root: dict, body: dict | None) -> list[dict]:
    """The fields of a JSON or form request body, as rows of the parameter table."""
    if not body:
        return []
    rows = []
    for media, content in body.get("content", {}).items():
        schema = _resolve(content.get("schema", {}), root)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = _resolve(prop, root)
            rows.append({"name": name, "in": f"body ({media})", "required": name in required, "type": _type_of(prop),
                         "description": _md(prop.get("description", "")), "default": prop.get("default")})
    return rows


def _type_of(schema: dict) -> str:
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    bounds = [f"{k}={schema[k]}" for k in ("minimum", "maximum", "maxLength") if k in schema]
    return schema.get("type", "any") + (f" ({', '.join(bounds)})" if bounds else "")
