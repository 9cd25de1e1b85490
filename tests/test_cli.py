import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from click.testing import CliRunner

from dailypapers.cli import cli


def _all_commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from _all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path", [(), *_all_commands(cli)], ids=lambda p: " ".join(p) or "dailypapers")
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def _run(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "dailypapers", *args], env=env, capture_output=True, text=True, **kw)


@pytest.fixture
def cli_env(database_url, tmp_path):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    env.pop("DAILYPAPERS_CONFIG", None)
    return env


def test_import_exit_status_and_summary(cli_env, tmp_path):
    from tests.factories import kaggle_line, write_jsonl

    good = write_jsonl(tmp_path / "good.jsonl", [kaggle_line("2501.00001")])
    r = _run(["import", str(good)], cli_env)
    assert r.returncode == 0, r.stderr
    assert "new: 1, updated: 0, unchanged: 0, rejected: 0" in r.stdout
    bad = write_jsonl(tmp_path / "bad.jsonl", [kaggle_line("2501.00002")], raw_lines={2: "{oops"})
    r = _run(["import", str(bad)], cli_env)
    assert r.returncode == 1
    assert f"{bad}:2: invalid JSON" in r.stderr
    r = _run(["import", str(tmp_path / "nope.json")], cli_env)
    assert r.returncode == 2 and "no such file" in r.stderr


@pytest.mark.slow
def test_killed_import_reruns_to_the_same_database(cli_env, tmp_path, shared_dir, database_url, backend):
    data = shared_dir / "data" / "arxiv_2025_2026.jsonl.gz"
    proc = subprocess.Popen([sys.executable, "-m", "dailypapers", "import", "--batch-size", "500", str(data)],
                            env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    assert proc.poll() is None, "import finished before it could be killed; give it more data"
    readers = psutil.Process(proc.pid).children()
    assert readers, "the import should parse in a reader process"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(readers, timeout=10)
    assert not alive, f"reader process(es) {alive} outlived the killed import"
    r = _run(["import", str(data)], cli_env)
    assert r.returncode == 0, r.stderr
    interrupted = _run(["export"], cli_env).stdout
    clean_env = dict(cli_env, DAILYPAPERS_DATABASE_URL=f"sqlite:///{tmp_path / 'clean.db'}")
    assert _run(["import", str(data)], clean_env).returncode == 0
    exported = _run(["export"], clean_env)
    assert exported.returncode == 0, exported.stderr
    clean = exported.stdout
    assert interrupted.count("\n") == 74728
    assert interrupted == clean

