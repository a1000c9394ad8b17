"""The embedded Redis of development: started on first use, shared by every process, stopped on request.

Each test uses a folder of its own (never the project's .redisdata/) and stops its server in the end.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import redis
from django.conf import settings

from platform_ import embedded_redis


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "redisdata"
    yield folder
    embedded_redis.stop(data_dir=folder)


def server_pid(url: str) -> int:
    return redis.Redis.from_url(url).info("server")["process_id"]


def url_from_another_process(data_dir) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "platform_.embedded_redis", "url", "--data-dir", str(data_dir)],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60, check=True,
    )
    return result.stdout.strip()


def test_it_starts_on_first_use_answers_and_is_shared_by_another_process(data_dir):
    # when a process asks for it
    url = embedded_redis.redis_url(data_dir=data_dir)

    # then it answers, on the loopback address
    assert url.startswith("redis://127.0.0.1:")
    assert redis.Redis.from_url(url).ping()

    # when another process asks for it
    again = url_from_another_process(data_dir)

    # then it gets the same server, not a second one
    assert again == url
    assert server_pid(again) == server_pid(url)


def test_stopped_it_keeps_its_data_and_the_next_use_starts_it_again(data_dir):
    # given a key written to it
    url = embedded_redis.redis_url(data_dir=data_dir)
    redis.Redis.from_url(url).set("delbar-test", "kvar")

    # when it is stopped
    assert embedded_redis.stop(data_dir=data_dir) is True

    # then it no longer answers, a second stop says so, and its data is on disk
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    assert embedded_redis.stop(data_dir=data_dir) is False
    assert (data_dir / "dump.rdb").exists()

    # when it is used again, it starts with the key still there
    url = embedded_redis.redis_url(data_dir=data_dir)
    assert redis.Redis.from_url(url).get("delbar-test") == b"kvar"


def test_a_server_of_another_folder_on_the_remembered_port_is_not_taken_for_ours(data_dir, tmp_path):
    # given another folder's server runs on the port our folder remembers
    other_dir = tmp_path / "other"
    other_url = embedded_redis.redis_url(data_dir=other_dir)
    try:
        data_dir.mkdir()
        (data_dir / "port").write_text((other_dir / "port").read_text())

        # when ours is asked for
        url = embedded_redis.redis_url(data_dir=data_dir)

        # then it is a server of its own
        assert url != other_url
        assert server_pid(url) != server_pid(other_url)
    finally:
        embedded_redis.stop(data_dir=other_dir)
