"""Scale-out on an existing dask.distributed cluster (``--scheduler tcp://HOST:PORT``).

Per-file analysis and fingerprinting run on the cluster's workers (the same function as the local
pool), streamed with a bounded number of tasks in flight; the fingerprint join runs as a Dask
shuffle on the hash, so the documents sharing a hash meet in one partition, where the candidate
pairs are counted exactly as in the local join. Results are identical to the local run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.similarity import index
from pipeline.similarity.fingerprint import Fingerprints

IN_FLIGHT_PER_WORKER = 8


def _require_dask() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ImportError("--scheduler needs Dask: pip install 'shuzhi[scale]' (dask[distributed])") from exc


@lru_cache(maxsize=2)
def client_for(address: str):  # -> distributed.Client
    _require_dask()
    from distributed import Client

    return Client(address, timeout="30s")


def map_records(
    address: str,
    jobs: Sequence[tuple],
    fn: Callable[[tuple], Any],
    on_error: Callable[[tuple, str], Any],
) -> Iterator[Any]:
    """Run ``fn`` over ``jobs`` on the cluster, yielding results as they finish (bounded in flight);
    a job whose task fails on the cluster (its workers killed, say) yields ``on_error(job, reason)``."""
    from distributed import as_completed

    client = client_for(address)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = workers * IN_FLIGHT_PER_WORKER
    pending = iter(jobs)
    job_of: dict[Any, tuple] = {}

    def submit(job: tuple) -> Any:
        future = client.submit(fn, job, pure=False)
        job_of[future.key] = job
        return future

    queue = as_completed([submit(job) for job in itertools.islice(pending, limit)])
    for future in queue:
        job = job_of.pop(future.key)
        try:
            result = future.result()
        except Exception as exc:  # a task that killed its workers (KilledWorker) or failed there
            result = on_error(job, f"failed on the cluster ({type(exc).__name__}: {exc})")
        future.release()
        nxt = next(pending, None)
        if nxt is not None:
            queue.add(submit(nxt))
        yield result


def _partition_rows(frame, max_df: int, n_docs: int):  # pandas in, pandas out
    """The join inside one partition: every document sharing a hash is here after the shuffle."""
    import pandas as pd

    frame = frame.sort_values(["hash", "doc", "pos"], kind="stable")
    key, pos = index.shared_rows(
        frame["hash"].to_numpy(np.uint64),
        frame["doc"].to_numpy(np.int32),
        frame["pos"].to_numpy(np.int32),
        max_df,
        n_docs,
    )
    return pd.DataFrame({"key": key, "pos": pos})


def shuffle_join(
    address: str, fps: Sequence[Fingerprints], max_df: int, min_shared: int, window: int, min_dense: int
) -> tuple[index.Index, np.ndarray]:
    """The fingerprint join as a Dask shuffle on the hash; same output as the local join."""
    import dask.dataframe as dd
    import pandas as pd

    client_for(address)  # the client becomes the default scheduler
    idx, hashes, docs, positions = index.build(list(fps), max_df)
    if len(hashes) == 0:
        return idx, np.zeros((0, 4), dtype=np.int64)
    table = pd.DataFrame({"hash": hashes, "doc": docs, "pos": positions})
    nparts = max(2, min(64, len(table) // 200_000 + 2))
    ddf = dd.from_pandas(table, npartitions=nparts, sort=False).shuffle(on="hash")
    meta = pd.DataFrame({"key": np.zeros(0, np.int64), "pos": np.zeros(0, np.int32)})
    joined = ddf.map_partitions(_partition_rows, max_df, len(fps), meta=meta).compute()
    rows = index.candidates_from_rows(
        joined["key"].to_numpy(np.int64),
        joined["pos"].to_numpy(np.int32),
        len(fps),
        min_shared,
        window,
        min_dense,
    )
    return idx, rows
