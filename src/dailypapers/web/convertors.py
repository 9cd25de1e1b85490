"""A path convertor for arXiv ids, so `/papers/{arxiv_id:arxiv}` matches `2401.01234`, `2401.01234v2` and old-style
`hep-th/9901001` but leaves `/papers/date/...` and any other `/papers/...` route alone."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class ArxivIdConvertor(Convertor):
    regex = r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("arxiv", ArxivIdConvertor())
