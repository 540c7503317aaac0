"""`sinkscribe cluster up` and `sinkscribe cluster status` (pipeline/cluster.py and pipeline/gateway.py do
the work)."""

from __future__ import annotations

import json
from typing import Any

import click

from pipeline.cli_common import UserError, load_app_config, user_errors


@click.group()
def cluster() -> None:
    """Run the service on a Ray cluster behind one address (see README, "Running on several machines")."""


@cluster.command()
@click.option("--listen", "address", default="tcp://127.0.0.1:5550", show_default=True, metavar="tcp://HOST:PORT",
              help="The gateway: where clients connect, as to `serve` (audio PORT, captions PORT+2, summary "
              "PORT+3, requests PORT+4).")
@click.option("--hosts", type=click.IntRange(1, 256), default=2, show_default=True,
              help="Service hosts to start (Ray actors, one per node that offers the `sinkscribe_host` resource).")
@click.option("--max-streams", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Streams each host serves at once.")
@click.option("--ray", "ray_address", default=None, metavar="HOST:PORT",
              help="A running Ray cluster (`ray start --head` printed its address); default: a Ray of its own "
              "on this machine.")
@click.option("--bind-host", default=None, metavar="IP", help="Where hosts listen (default: their node's address).")
@click.option("--preset", default=None, help="Language model of every host (as for serve).")
@click.option("--insecure", is_flag=True, help="Listen beyond loopback WITHOUT encryption (gateway and hosts).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/; "
              "summarize.store = \"postgresql://...\" puts sessions where every node reaches them.")
@user_errors
def up(address: str, hosts: int, max_streams: int, ray_address: str | None, bind_host: str | None,
       preset: str | None, insecure: bool, config: str | None) -> None:  # fmt: skip
    """Start service hosts on Ray and the gateway, until Ctrl-C.

    \b
    Examples:
      sinkscribe cluster up --hosts 2 --config cluster.toml
      sinkscribe cluster up --ray 10.0.0.1:6379 --listen tcp://10.0.0.1:5550 --hosts 3 --config cluster.toml
      sinkscribe replay meeting.wav --connect tcp://127.0.0.1:5550      # a client, as with serve
      sinkscribe cluster status --connect tcp://127.0.0.1:5550
    """
    from pipeline.cli import _summarize_overrides
    from pipeline.cluster import import_ray, run_cluster
    from pipeline.live import sigint_sets
    from pipeline.runner import StopFlag
    from pipeline.service import endpoints_at

    overrides: dict[str, Any] = {"stream": "cluster", **_summarize_overrides(preset, None)}
    if insecure:
        overrides["security.insecure"] = True
    cfg = load_app_config(config or "default", overrides)
    endpoints_at(address, cfg.endpoints)  # a bad address is one line, before Ray starts
    import_ray()
    stop = StopFlag()

    def ready() -> None:
        click.echo(f"-- gateway on {address}: {hosts} hosts starting on Ray (each loads its models; "
                   "`sinkscribe cluster status` shows them); Ctrl-C stops", err=True)  # fmt: skip

    with sigint_sets(stop):
        run_cluster(cfg, address, hosts, max_streams, stop, ray_address=ray_address, bind=bind_host, ready=ready)
    click.echo("-- stopped", err=True)


@cluster.command()
@click.option("--connect", "address", required=True, metavar="tcp://HOST:PORT", help="The gateway's address.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(0.5), default=10.0, show_default=True,
              help="Seconds to wait for the gateway's heartbeat.")
@click.option("--json", "as_json", is_flag=True, help="The gateway's heartbeat counters as JSON.")
@click.option("--config", "config", default=None, help="Config TOML file or preset name (for its security keys).")
@user_errors
def status(address: str, timeout_s: float, as_json: bool, config: str | None) -> None:
    """Show the gateway's hosts (address, live, streams) and where each live stream runs."""
    import zmq

    from pipeline import transport, wire
    from pipeline.gateway import GATEWAY_STREAM
    from pipeline.messages import Status
    from pipeline.service import endpoints_at

    cfg = load_app_config(config or "default", {})
    ep = endpoints_at(address, cfg.endpoints)
    sock = transport.open_socket(zmq.Context.instance(), "sub", ep.summary, bind=False, security=cfg.security,
                                 subscribe=(wire.topic_prefix("status", GATEWAY_STREAM),))  # fmt: skip
    try:
        got = transport.Receiver(sock, "gateway").recv(timeout_s=timeout_s)
    finally:
        sock.close(linger=0)
    if got is None or not isinstance(got[1], Status) or got[1].stage != "gateway":
        raise UserError(f"no gateway heartbeat from {ep.summary} within {timeout_s:g} s (is `sinkscribe cluster up` "
                        "running there?)")  # fmt: skip
    counters = got[1].counters
    if as_json:
        click.echo(json.dumps(counters, indent=2, sort_keys=True))
        return
    hosts = counters.get("hosts", {})
    click.echo(f"gateway {address}: {len(hosts)} hosts, {len(counters.get('streams', {}))} live streams")
    for name, h in sorted(hosts.items()):
        state = "live" if h.get("live") else "starting"
        load = f"{100 * float(h.get('load', 0.0)):.0f}% of {h.get('cpus', '?')} cores busy"
        click.echo(f"  {name:<10} {h.get('address', '?'):<28} {state:<9} {h.get('streams', 0)} streams, {load}")
    for stream, host in sorted(counters.get("streams", {}).items()):
        click.echo(f"  stream {stream} -> {host}")
    lost, moved = counters.get("hosts_lost", 0), counters.get("moved", 0)
    if lost or moved:
        click.echo(f"  {lost} hosts lost, {moved} streams moved since the gateway started")
