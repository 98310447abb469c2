"""A worker woken between polls does not probe again the jobs another worker held at its last
full look (each probe is a session and round trips); a full look, or a notice naming the
job, probes it again, so a dead worker's job is still taken over."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.global_ids import decode_id
from api.jobs import job_runners
from api.worker import Worker
from storage.job_locks import JobLock, JobLocks, job_locks
from tests.conftest import new_client
from tests.server import LiveServer


@dataclass
class CountedLocks:
    """The worker's locks, counting the probes of each job."""

    locks: JobLocks
    probes: list[int] = field(default_factory=list)

    async def try_lock(self, job_id: int) -> JobLock | None:
        """Count, then probe."""
        self.probes.append(job_id)
        return await self.locks.try_lock(job_id)


def worker_of(server: LiveServer, poll_seconds: float) -> tuple[Worker, CountedLocks]:
    """A worker of two slots in the server's process, its probes counted."""
    services = server.services
    worker = Worker(
        engine=services.engine,
        files=services.files,
        clock=services.clock,
        events=services.events,
        runners=job_runners(),
        poll_seconds=poll_seconds,
        concurrency=2,
    )
    counted = CountedLocks(worker.locks)
    worker.locks = counted
    return worker, counted


def test_a_job_held_elsewhere_is_probed_again_only_at_a_full_look(api_only: LiveServer) -> None:
    client = new_client(api_only)
    job = client.start_import(b"email\na@x.io\n", groupName="held")["job"]["id"]
    job_id = decode_id(job, "ImportJob", field=["id"])
    # Another worker's lock on it (a live worker, for the one under test).
    elsewhere = api_only.run(job_locks(api_only.services.engine).try_lock(job_id))
    assert elsewhere is not None
    worker, counted = worker_of(api_only, poll_seconds=3600)

    api_only.run(worker._fill_slots("start"))
    api_only.run(worker._fill_slots("slot free"))
    api_only.run(worker._fill_slots("notify"))
    assert counted.probes == [job_id]  # probed at the start alone
    api_only.run(elsewhere.release(ended=False))  # that worker died

    api_only.run(worker._fill_slots("slot free"))
    assert counted.probes == [job_id]  # not yet: a look between polls
    api_only.run(worker._fill_slots("poll"))
    assert counted.probes == [job_id, job_id]  # the poll takes it over
    assert client.wait_job(job, timeout=30)["status"] == "SUCCEEDED"
    client.close()


def test_a_notice_naming_the_job_or_the_poll_interval_probes_it_again(
    api_only: LiveServer,
) -> None:
    client = new_client(api_only)
    jobs = [client.start_import(b"email\na@x.io\n", groupName=f"g{n}")["job"]["id"] for n in (1, 2)]
    first, second = (decode_id(job, "ImportJob", field=["id"]) for job in jobs)
    locks = job_locks(api_only.services.engine)
    held = [api_only.run(locks.try_lock(job_id)) for job_id in (first, second)]
    worker, counted = worker_of(api_only, poll_seconds=3600)
    api_only.run(worker._fill_slots("start"))
    assert counted.probes == [first, second]
    for lock in held:
        assert lock is not None
        api_only.run(lock.release(ended=False))

    worker._heard(first)  # handed back: the notice names it
    api_only.run(worker._fill_slots("notify"))
    assert counted.probes[2:] == [first]
    assert client.wait_job(jobs[0], timeout=30)["status"] == "SUCCEEDED"

    worker.poll_seconds = 0  # the last full look is a poll interval ago: any look is full
    api_only.run(worker._fill_slots("slot free"))
    assert counted.probes[3:] == [second]
    assert client.wait_job(jobs[1], timeout=30)["status"] == "SUCCEEDED"
    client.close()
