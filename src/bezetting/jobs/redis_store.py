"""A :class:`~bezetting.jobs.store.JobStatusStore` in Redis, shared by workers and web processes.

Layout, under a key prefix (default ``bezetting:``)::

    {prefix}job:{id}   hash: version (int), status (JSON of JobStatus), params (JSON)
    {prefix}jobs       sorted set: job ids scored by created_at (for ``recent``)
    {prefix}org:{organisation_id}:jobs
                       the same for the jobs of one organisation (``recent(organisation_id=)``)

``create`` and ``save`` are Lua scripts, so the version check and the write are one atomic
step. Every key expires ``ttl_seconds`` after its job's last write (default a week).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

import redis

from bezetting.core.errors import ConflictError, InputError
from bezetting.jobs.errors import BrokerUnavailableError, UnknownJobError
from bezetting.jobs.status import JSON, JobStatus, check_json_object

__all__ = ["RedisJobStatusStore"]

_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', 0, 'status', ARGV[1], 'params', ARGV[2])
local ttl = tonumber(ARGV[4])
for i = 2, #KEYS do
  if ttl > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', tonumber(ARGV[3]) - ttl) end
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[5])
end
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
"""

_SAVE = """
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return -1 end
if tonumber(version) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tonumber(ARGV[1]) + 1, 'status', ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
"""


class RedisJobStatusStore:
    """Job statuses in Redis.

    Args:
        client: a ``redis.Redis`` client made with ``decode_responses=True``.
        key_prefix: put before every key, so several installations can share one Redis.
        ttl_seconds: forget a job this long after its last change (0: never).
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        key_prefix: str = "bezetting:",
        ttl_seconds: int = 7 * 24 * 3600,
    ) -> None:
        if ttl_seconds < 0:
            raise InputError(f"ttl_seconds must be 0 (never expire) or more, got {ttl_seconds}")
        self._client = client
        self._prefix = key_prefix
        self._ttl = ttl_seconds
        self._create = client.register_script(_CREATE)
        self._save = client.register_script(_SAVE)

    @classmethod
    def from_url(
        cls, url: str, *, key_prefix: str = "bezetting:", ttl_seconds: int = 7 * 24 * 3600
    ) -> RedisJobStatusStore:
        """A store on the Redis at ``url`` (``redis://host:6379/0``)."""
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise InputError(
                f"the job status store needs a Redis URL (redis://host:6379/0), got {url!r}"
            )
        client = redis.Redis.from_url(url, decode_responses=True)
        return cls(client, key_prefix=key_prefix, ttl_seconds=ttl_seconds)

    def check_connection(self) -> None:
        """Raise :class:`BrokerUnavailableError` unless Redis answers a ping."""
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise BrokerUnavailableError(
                f"cannot reach Redis for job statuses: {type(exc).__name__}: {exc}"
            ) from None

    @property
    def key_prefix(self) -> str:
        """What every key of this store starts with."""
        return self._prefix

    def create(self, status: JobStatus, params: Mapping[str, JSON]) -> None:
        stored = replace(status, version=0)
        indexes = [self._index()]
        if status.organisation_id is not None:
            indexes.append(self._index(status.organisation_id))
        created = self._create(
            keys=[self._key(status.id), *indexes],
            args=[
                json.dumps(stored.to_json()),
                json.dumps(check_json_object(params)),
                status.created_at.timestamp(),
                self._ttl,
                status.id,
            ],
        )
        if int(cast(int, created)) == 0:
            raise ConflictError(f"a job with id {status.id!r} exists already")

    def get(self, job_id: str) -> JobStatus:
        raw = cast(str | None, self._client.hget(self._key(job_id), "status"))
        if raw is None:
            raise UnknownJobError(f"no job with id {job_id!r} (or its record expired)")
        return JobStatus.from_json(json.loads(raw))

    def params(self, job_id: str) -> dict[str, JSON]:
        raw = cast(str | None, self._client.hget(self._key(job_id), "params"))
        if raw is None:
            raise UnknownJobError(f"no job with id {job_id!r} (or its record expired)")
        return check_json_object(json.loads(raw))

    def save(self, status: JobStatus) -> JobStatus:
        saved = replace(status, version=status.version + 1)
        outcome = int(
            cast(
                int,
                self._save(
                    keys=[self._key(status.id)],
                    args=[status.version, json.dumps(saved.to_json()), self._ttl],
                ),
            )
        )
        if outcome == -1:
            raise UnknownJobError(f"no job with id {status.id!r} (or its record expired)")
        if outcome == 0:
            raise ConflictError(f"job {status.id}: version {status.version} is stale")
        return saved

    def recent(self, *, limit: int = 50, organisation_id: int | None = None) -> list[JobStatus]:
        if limit <= 0:
            return []
        index = self._index(organisation_id)
        ids = cast(list[str], self._client.zrevrange(index, 0, limit - 1))
        pipe = self._client.pipeline(transaction=False)
        for job_id in ids:
            pipe.hget(self._key(job_id), "status")
        raws: list[Any] = pipe.execute()
        gone = [job_id for job_id, raw in zip(ids, raws, strict=True) if raw is None]
        if gone:
            self._client.zrem(index, *gone)
        return [JobStatus.from_json(json.loads(raw)) for raw in raws if raw is not None]

    def _key(self, job_id: str) -> str:
        return f"{self._prefix}job:{job_id}"

    def _index(self, organisation_id: int | None = None) -> str:
        if organisation_id is None:
            return f"{self._prefix}jobs"
        return f"{self._prefix}org:{organisation_id}:jobs"
