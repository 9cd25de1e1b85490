from dailypapers.links import extract_links


def test_code_repository_is_cut_to_the_repo_root():
    text = "Code is at https://github.com/alibaba/conv-llava/tree/main/src. Models on huggingface."
    assert extract_links(text) == ("https://github.com/alibaba/conv-llava", None)


def test_gitlab_and_trailing_punctuation():
    assert extract_links("see https://gitlab.com/group/proj.git).")[0] == "https://gitlab.com/group/proj"


def test_project_pages_from_github_io_and_huggingface():
    code, project = extract_links(None, "Project page: https://foo.github.io/bar/, weights https://huggingface.co/x/y")
    assert code is None
    assert project == "https://foo.github.io/bar/"


def test_user_page_is_not_a_repository():
    assert extract_links("by https://github.com/someone") == (None, None)
