"""Service hosts as Ray actors behind one gateway: `sinkscribe cluster up` (issue #18).

Ray does placement and restarts; sinkscribe does no cluster management of its own. Ray is an optional
extra (`pip install 'sinkscribe[cluster]'`), imported only here and only when a cluster is started.

- **A host** is a Ray actor (`ServiceHost`) that runs one service (pipeline/service.py: transcribe and
  summarize, each model loaded once, many streams) on its node, on five free ports of the node's
  address. It needs one unit of the custom resource `sinkscribe_host`, which a node offers when
  started with `ray start --resources '{"sinkscribe_host": 1}'`: at most one host per such node, and
  only on nodes meant for it. Ray restarts a host that died (its node lost, its process killed) on a
  node with a free unit, without limit (`max_restarts=-1`).
- **The gateway** (pipeline/gateway.py) runs in the `cluster up` process, on the address clients use.
  `RayHosts` is its host pool: a thread asks every actor where its service listens (an actor that does
  not answer within a few seconds, restarting or gone, is not listed) and the gateway follows.
- **Sessions** must be in a store every node reaches: `summarize.store = "postgresql://..."`. With the
  default SQLite folder a stream whose host is lost continues on another host without its past (the
  gateway warns at start).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from typing import Any

from pipeline import transport
from pipeline.errors import ConfigError, TransportError
from pipeline.runner import StopFlag

log = logging.getLogger(__name__)

HOST_RESOURCE = "sinkscribe_host"  # the custom Ray resource a node offers to hold a service host
NAMESPACE = "sinkscribe"
ASK_TIMEOUT_S = 3.0  # an actor that does not say where it listens within this is not listed


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("the cluster runs on Ray, which is not installed: pip install 'sinkscribe[cluster]'") from None
    return ray


def free_base(host: str, tries: int = 200) -> int:
    """A port P such that P .. P + 4 can all be bound on `host` now (a service's five ports)."""
    for _ in range(tries):
        base = random.randrange(20_000, 60_000)
        try:
            for i in range(5):
                transport.check_bindable(f"tcp://{host}:{base + i}")
        except TransportError:
            continue
        return base
    raise TransportError(f"no five free consecutive ports on {host}")


def _check_reachable(address: str) -> None:
    """A Ray head that is not there is said in one line at once (Ray itself retries for minutes)."""
    import socket

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--ray {address!r} must be HOST:PORT (what `ray start --head` printed)")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise TransportError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from None


class ServiceHost:
    """A Ray actor's body (made remote by `RayHosts`): one service on this node until `shutdown`."""

    def __init__(self, cfg: Any, max_streams: int, bind: str | None, cpus: tuple[int, ...] = (),
                 cpu_group: str = "") -> None:  # fmt: skip
        import os
        from pathlib import Path

        import ray

        from pipeline.service import run_service, service_config

        # `bench.cluster`: a simulated node is a host pinned to its own cores, or held to a CPU quota (a cgroup
        # the bench made); its stages, started after this, inherit either.
        if cpus:
            os.sched_setaffinity(0, cpus)
        if cpu_group:
            Path(cpu_group, "cgroup.procs").write_text(str(os.getpid()))

        self.node = ray.get_runtime_context().get_node_id()
        host = bind or ray.util.get_node_ip_address()
        self.address = f"tcp://{host}:{free_base(host)}"
        self.cfg = service_config(cfg, self.address, max_streams)
        self.stop = StopFlag()
        self.ready = threading.Event()
        self.error = ""

        def run() -> None:
            try:
                # restart=None: the service's own rules (a crashed stage restarts); when the whole host
                # fails, Ray restarts the actor.
                run_service(self.cfg, self.stop, ready=self.ready.set)
            except Exception as exc:  # noqa: BLE001 - said in `where` and in the log; Ray restarts the actor
                self.error = str(exc) or type(exc).__name__
                log.error("service host %s: %s", self.address, self.error)

        # The service runs in a thread of its own: the actor must go on answering `where` meanwhile. Its
        # stages are child processes that end with this process (pipeline/supervisor.py).
        self.thread = threading.Thread(target=run, name="service", daemon=True)
        self.thread.start()

    def where(self) -> dict[str, Any]:
        """Where its service listens, whether it is up, on which node; `error` when the service failed
        (the pool says it and has Ray start this actor again)."""
        return {"address": self.address, "ready": self.ready.is_set() and not self.error, "node": self.node,
                "error": self.error}  # fmt: skip

    def shutdown(self) -> None:
        self.stop.set()
        self.thread.join(60)


class RayHosts:
    """`count` service hosts on the Ray cluster at `ray_address` (None: a Ray of its own on this machine
    offering `count` host units); callable as the gateway's host pool."""

    def __init__(self, cfg: Any, count: int, max_streams: int, *, ray_address: str | None = None,
                 bind: str | None = None, refresh_s: float = 1.0,
                 cpus: list[tuple[int, ...]] | None = None, cpu_groups: list[str] | None = None) -> None:  # fmt: skip
        if count < 1:
            raise ConfigError(f"--hosts must be >= 1, got {count}")
        ray = import_ray()
        self.ray = ray
        if not ray.is_initialized():
            options: dict[str, Any] = {"namespace": NAMESPACE, "include_dashboard": False,
                                       "logging_level": logging.WARNING, "log_to_driver": False}  # fmt: skip
            if ray_address and ray_address != "auto":
                _check_reachable(ray_address)
            try:
                if ray_address:
                    ray.init(address=ray_address, **options)
                else:
                    ray.init(resources={HOST_RESOURCE: count}, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {ray_address}" if ray_address else "a Ray of its own"
                raise TransportError(f"cannot start on {where}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        actor = ray.remote(num_cpus=0, resources={HOST_RESOURCE: 1}, max_restarts=-1, max_task_retries=0)(ServiceHost)
        # The config travels as is (a frozen dataclass); the service config is made on the host's node.
        # `cpus` / `cpu_groups`: each host's cores or CPU-quota cgroup (bench.cluster's simulated nodes);
        # none: wherever the OS puts it.
        self.actors = {f"host-{i + 1}": actor.remote(cfg, max_streams, bind, tuple(cpus[i]) if cpus else (),
                                                     cpu_groups[i] if cpu_groups else "")
                       for i in range(count)}  # fmt: skip
        self.listed: dict[str, str] = {}
        self.nodes: dict[str, str] = {}
        self.errors: dict[str, str] = {}  # the last failure said by each host (each said once in the log)
        self.refresh_s = refresh_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="ray-hosts", daemon=True)
        self._thread.start()

    def __call__(self) -> dict[str, str]:
        return dict(self.listed)

    def _follow(self) -> None:
        ray = self.ray
        while not self._stop.is_set():
            refs = {name: a.where.remote() for name, a in self.actors.items()}
            listed: dict[str, str] = {}
            nodes: dict[str, str] = {}
            deadline = time.monotonic() + ASK_TIMEOUT_S
            for name, ref in refs.items():
                try:
                    got = ray.get(ref, timeout=max(0.1, deadline - time.monotonic()))
                except ray.exceptions.GetTimeoutError:
                    # Slow (its machine busy loading models), not gone: it keeps its place. A host that
                    # is alive but hung is the gateway's to find (no heartbeat).
                    if name in self.listed:
                        listed[name], nodes[name] = self.listed[name], self.nodes[name]
                    continue
                except (ray.exceptions.RayActorError, ray.exceptions.ActorUnavailableError):
                    continue  # dead, or restarting after its node was lost: not listed
                except Exception as exc:  # noqa: BLE001 - anything else says nothing about the host: keep it
                    log.warning("cluster: asking %s where it listens failed: %s", name, exc)
                    if name in self.listed:
                        listed[name], nodes[name] = self.listed[name], self.nodes[name]
                    continue
                if got.get("error"):
                    self._failed(name, got["error"])
                elif got.get("ready"):
                    listed[name] = got["address"]
                    nodes[name] = got["node"]
            self.listed, self.nodes = listed, nodes
            self._stop.wait(self.refresh_s)

    def _failed(self, name: str, error: str) -> None:
        """A host whose service failed (a port taken, a bad config, a model missing): said once per
        message, and Ray starts the actor again (a config error fails again, and is said no more)."""
        if self.errors.get(name) != error:
            log.error("cluster: %s failed: %s", name, error)
            self.errors[name] = error
        self.ray.kill(self.actors[name], no_restart=False)

    def shutdown(self) -> None:
        self._stop.set()
        self._thread.join(ASK_TIMEOUT_S + self.refresh_s + 1)
        refs = [a.shutdown.remote() for a in self.actors.values()]
        try:
            self.ray.get(refs, timeout=90)
        except Exception as exc:  # noqa: BLE001 - a host that cannot stop cleanly is killed below
            log.warning("cluster: a host did not stop cleanly: %s", exc)
        for a in self.actors.values():
            self.ray.kill(a, no_restart=True)


def run_cluster(cfg: Any, address: str, hosts: int, max_streams: int, stop: StopFlag, *,
                ray_address: str | None = None, bind: str | None = None, ready: Any = None,
                settings: Any = None) -> None:  # fmt: skip
    """Start `hosts` service hosts on Ray and the gateway on `address`, until `stop`."""
    from pipeline.gateway import Gateway, GatewaySettings
    from pipeline.security import is_local

    # Hosts of a Ray of our own are on this machine: loopback, unless told. Hosts elsewhere listen on
    # their node's address, which the security rules allow only with CURVE (or --insecure): said here,
    # in one line, rather than by every host failing on its node.
    bind = bind or (None if ray_address else "127.0.0.1")
    if not (bind and is_local(f"tcp://{bind}:1")) and not (cfg.security.curve or cfg.security.insecure):
        raise ConfigError(f"hosts on {'other machines' if not bind else bind} would listen beyond loopback without "
                          "encryption: turn on CURVE ([security] curve = true, keys_dir = DIR) or pass --insecure")  # fmt: skip
    store = str(getattr(cfg.summarize, "store", "") or "")
    if not store.startswith("postgres"):
        log.warning("cluster: sessions are in SQLite files on each host: a stream whose host is lost continues "
                    "without its past. Set summarize.store = \"postgresql://...\" for a store every node reaches.")  # fmt: skip
    settings = settings or GatewaySettings(max_streams=max_streams)
    gateway = Gateway(dataclasses.replace(cfg, exit_after_eos=False), address, pool=lambda: {}, settings=settings)
    pool = RayHosts(cfg, hosts, max_streams, ray_address=ray_address, bind=bind)
    gateway.pool = pool
    try:
        gateway.serve(stop, ready=ready)
    finally:
        pool.shutdown()
