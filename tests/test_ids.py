import pytest

from dailypapers.ids import InvalidArxivId, normalize_arxiv_id, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "expected", "version"),
    [
        ("2401.01234", "2401.01234", None),
        ("2401.01234v3", "2401.01234", 3),
        ("arXiv:2401.01234v2", "2401.01234", 2),
        ("ARXIV:2401.01234", "2401.01234", None),
        ("https://arxiv.org/abs/2401.01234v3", "2401.01234", 3),
        ("http://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234", 1),
        ("https://arxiv.org/pdf/2401.01234", "2401.01234", None),
        ("https://export.arxiv.org/abs/2401.01234?context=cs", "2401.01234", None),
        ("https://huggingface.co/papers/2401.01234", "2401.01234", None),
        ("0704.0001", "0704.0001", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("hep-th/9901001v2", "hep-th/9901001", 2),
        ("math.GT/0309136", "math.GT/0309136", None),
        ("https://arxiv.org/abs/cond-mat/0102536v1", "cond-mat/0102536", 1),
        ("  2401.01234  ", "2401.01234", None),
    ],
)
def test_spellings_normalize_to_versionless_id(text, expected, version):
    assert parse_arxiv_id(text) == (expected, version)
    assert normalize_arxiv_id(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "2401.123", "2401.1234567", "hep-th/99", "2401.01234v0",
                                  "https://example.com/abs/2401.01234", "2401.01234v", "../etc/passwd"])
def test_bad_ids_are_rejected_with_the_input_quoted(text):
    with pytest.raises(InvalidArxivId) as info:
        parse_arxiv_id(text)
    assert repr(text) in str(info.value)
