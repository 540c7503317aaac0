"""The measurement of record for what users read: notes and answers of the real stages, scored on a set
of meetings with gold facts and questions (bench/data/quality, issue #13).

    python -m bench.quality --presets smollm2-135m,qwen2.5-coder-0.5b --split dev|test|all \\
        --json bench/results/quality_{preset}.json [--meetings a,b] [--audio samples/meeting.ogg=demo]

Each text meeting goes through a real summarize process (bench.quality_run: real sockets, the packaged
model, the stage's default config), questions asked while the meeting runs, at their line; `--audio
FILE=NAME` also replays FILE through capture + transcribe + summarize and scores it against NAME's gold,
its questions asked at the end. Scores (bench.quality_score; rules in bench/data/quality/README.md):
fact recall of the final and the rolling notes, owner attribution, invented names/numbers/dates per notes
update, retention, small talk in the notes, answer accuracy per kind and in-window / evicted, abstention on
never-discussed questions; times of summaries and answers; whether the preset keeps up with real time.
`{preset}` (or `<preset>`) in --json writes one file per preset, else one file holds them all. Targets
(issue #13) are checked on the pooled split; tune on dev, report test. `--rescore JSON` scores a recorded
run again with the current rules and gold (no model runs), e.g. after a matching rule changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.quality_run import Recording, run_audio, run_text
from bench.quality_score import Gold, Update, load_gold, pool, score_meeting, targets, window_of
from stages.settings import SummarizeConfig

log = logging.getLogger("bench.quality")
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "quality"


def discover(data: Path, split: str, names: list[str] | None) -> list[Path]:
    paths: list[Path] = []
    if split == "none":  # only the --audio replays
        return paths
    for path in sorted(data.glob("*.gold.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if names and raw["meeting"] not in names or not names and split != "all" and raw["split"] != split:
            continue
        paths.append(path)
    if not paths:
        raise SystemExit(f"no meeting in {data} for split {split!r} and meetings {names}")
    return paths


def transcript_of(gold_path: Path, raw: dict) -> Path:
    name = raw.get("transcript", f"{raw['meeting']}.txt")
    return ROOT / name if "/" in name else gold_path.parent / name


def _at(ordered: list[float], q: float) -> float:
    """The `q` quantile of sorted values (nearest rank below), rounded as every figure here is."""
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {"n": len(ordered), "median": round(statistics.median(ordered), 3), "p90": _at(ordered, 0.9),
            "max": round(ordered[-1], 3)}  # fmt: skip


def _latency(values: list[float]) -> dict[str, Any] | None:
    """`stats` and the p95 of caption latencies (paced audio replays only: at speed 0 they mean nothing)."""
    return stats(values) | {"p95": _at(sorted(values), 0.95)} if values else None


def timing(rec: Recording, every_s: float) -> dict[str, Any]:
    """Times of summaries and answers; model time against audio time; summaries done before the next is due."""
    generated = []  # (summary record, its timings); a final that only re-marks the last summary took no time
    count = 0
    for i, s in enumerate(rec.summaries):
        prev = rec.summaries[i - 1] if i else None
        if s["final"] and prev and prev["text"] == s["text"] and prev["upto_seq"] == s["upto_seq"]:
            continue
        count += 1
        generated.append((s, rec.timings_by_summary.get(count, {})))
    gen_s = [t.get("last_summary_s") for _, t in generated if t.get("last_summary_s") is not None]
    ttft = [v for _, t in generated for k, v in t.items() if "ttft" in k and "summary" in k and v]
    ingest_s = float(rec.counters.get("ingest_s", 0.0))
    audio = rec.audio_seconds or 0.0
    rate = ingest_s / audio if audio else 0.0
    on_time = []
    rolling = [(s, t) for s, t in generated if not s["final"]]
    for k, (s, t) in enumerate(rolling):
        interval = (rolling[k + 1][0]["upto"] - s["upto"]) if k + 1 < len(rolling) else every_s
        if t.get("last_summary_s") is not None and interval > 0:
            on_time.append(t["last_summary_s"] + rate * interval <= interval)
    answers = [a["seconds"] for a in rec.answers]
    answer_ttft = [v for a in rec.answers for k, v in a.get("timings", {}).items() if "ttft" in k and v]
    model_s = ingest_s + sum(gen_s)
    return {
        "audio_seconds": round(audio, 1), "ingest_s": round(ingest_s, 2), "summary_s_total": round(sum(gen_s), 2),
        "model_s_per_audio_s": round(model_s / audio, 4) if audio else None,
        "summaries_on_time": {"k": sum(on_time), "n": len(on_time)},
        "summary_s": stats(gen_s), "summary_ttft_s": stats(ttft), "answer_s": stats(answers),
        "answer_ttft_s": stats(answer_ttft), "load_s": round(rec.load_s, 1), "wall_s": round(rec.wall_s, 1),
        "caption_latency_s": _latency(rec.caption_latency), "caption_shown_latency_s": _latency(rec.caption_shown_latency),
        "summaries": len(rec.summaries), "timing_keys": sorted({k for _, t in generated for k in t}),
    }  # fmt: skip


def audio_alignment(rec: Recording, script: list[str]) -> tuple[list[str], dict[int, int]]:
    """ASR segments placed on script lines by their share of the words said so far (the audio's own
    lines differ from the script's): the aligned transcript, and segment seq -> script line."""
    words = [len(line.split(": ", 1)[-1].split()) for line in script]
    total_script = sum(words)
    segments = sorted({s["seq"]: s for s in rec.segments}.values(), key=lambda s: s["seq"])
    total_asr = sum(len(s["text"].split()) for s in segments) or 1
    aligned = [""] * len(script)
    line_of: dict[int, int] = {}
    said, line, covered = 0, 1, words[0] if words else 0
    for seg in segments:
        said += len(seg["text"].split())
        while line < len(script) and covered < said * total_script / total_asr - 1e-9:
            line += 1
            covered += words[line - 1]
        aligned[line - 1] = (aligned[line - 1] + " " + seg["text"]).strip()
        line_of[seg["seq"]] = line
    return aligned, line_of


def score_audio(gold: Gold, script: list[str], rec: Recording) -> dict[str, Any]:
    aligned, line_of = audio_alignment(rec, script)
    updates = [Update(s["text"], line_of.get(s["upto_seq"], 0), s["final"]) for s in rec.summaries]
    words = [len(line.split(": ", 1)[-1].split()) for line in script]
    end = len(script)
    questions = [dataclasses.replace(q, after_line=end, window=window_of(sum(words[q.fact_line:]) if q.fact_line else None))
                 for q in gold.questions]  # fmt: skip
    return score_meeting(dataclasses.replace(gold, questions=questions), aligned,
                         updates, {a["id"]: a["answer"] for a in rec.answers})  # fmt: skip


def score_text(gold_path: Path, entry: dict[str, Any]) -> None:
    """(Re)score one recorded text meeting in place: its summaries and answers against the gold."""
    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    lines = transcript_of(gold_path, raw).read_text(encoding="utf-8").splitlines()
    updates = [Update(s["text"], s["upto_line"], s["final"]) for s in entry["summaries"]]
    entry["score"] = score_meeting(load_gold(gold_path), lines, updates, {a["id"]: a["answer"] for a in entry["answers"]})
    rows = {r["id"]: r for r in entry["score"]["answers"]["questions"]}
    for a in entry["answers"]:
        a.update({k: rows[a["id"]][k] for k in ("kind", "window", "correct", "abstained") if a["id"] in rows})


def score_audio_entry(gold_path: Path, entry: dict[str, Any]) -> None:
    """(Re)score one recorded audio run in place (needs its recorded segments)."""
    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    script = transcript_of(gold_path, raw).read_text(encoding="utf-8").splitlines()
    rec = Recording(summaries=entry["summaries"], answers=entry["answers"], segments=entry["segments"])
    entry["score"] = score_audio(load_gold(gold_path), script, rec)
    entry["metrics"] = pool([entry["score"]])


def pool_splits(run: dict[str, Any]) -> None:
    run["splits"] = {}
    for split in ("dev", "test"):
        chosen = sorted(n for n, m in run["meetings"].items() if m["split"] == split)
        if chosen:
            pooled = pool([run["meetings"][n]["score"] for n in chosen])
            run["splits"][split] = {"meetings": chosen, "metrics": pooled, "targets": targets(pooled)}


def measure(preset: str, gold_paths: list[Path], audio: list[tuple[Path, Path]],
            settings: dict[str, Any] | None = None, record: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """Run every meeting (and audio file) through the real stages with `preset`, then score. With `record`,
    each text meeting's extractions go to RECORD/PRESET/MEETING.jsonl (`bench.notes_dev --replay`)."""
    every_s = SummarizeConfig().summary_every_s
    run: dict[str, Any] = {"preset": preset, "config": dataclasses.asdict(SummarizeConfig(model=preset)),
                           "meetings": {}, "splits": {}, "audio": {}, "audio_settings": settings or {}}  # fmt: skip
    for path in gold_paths:
        raw = json.loads(path.read_text(encoding="utf-8"))
        log.info("%s: %s (%s, %d words)", preset, raw["meeting"], raw["split"], raw.get("words", 0))
        log_path = record / preset / f"{raw['meeting']}.jsonl" if record else None
        rec = run_text(transcript_of(path, raw), raw, preset, log_path)
        entry = {"gold": path.name, "split": raw["split"], "minutes": raw["minutes"], "words": raw.get("words"),
                 "realtime": timing(rec, every_s), "summaries": rec.summaries, "answers": rec.answers,
                 "final_counters": rec.counters}  # fmt: skip
        score_text(path, entry)
        run["meetings"][raw["meeting"]] = entry
        print(summary_line(raw["meeting"], entry["score"], entry["realtime"]), flush=True)
    pool_splits(run)
    for audio_path, gold_path in audio:
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
        rec = run_audio(audio_path, raw, preset, settings)
        entry = {"gold": gold_path.name, "file": str(audio_path), "realtime": timing(rec, every_s),
                 "summaries": rec.summaries, "answers": rec.answers, "segments": rec.segments,
                 "transcript": " ".join(s["text"] for s in rec.segments)}  # fmt: skip
        score_audio_entry(gold_path, entry)
        run["audio"][raw["meeting"]] = entry
        print(summary_line(f"{raw['meeting']} (audio)", entry["score"], entry["realtime"]), flush=True)
    return run


def rescore(report: dict[str, Any], data: Path) -> dict[str, Any]:
    """Score recorded runs again with the current rules and gold, without running any model."""
    for run in report["presets"].values():
        for name, entry in run["meetings"].items():
            score_text(data / entry.get("gold", f"{name}.gold.json"), entry)
        pool_splits(run)
        for name, entry in run["audio"].items():
            if "segments" in entry:
                score_audio_entry(data / entry.get("gold", f"{name}.gold.json"), entry)
            else:
                log.warning("%s (audio): recorded without its segments, kept its old score", name)
    report["rescored_with"] = "python -m bench.quality --rescore"
    return report


def summary_line(name: str, score: dict, rt: dict) -> str:
    n, a = score["notes"], score["answers"]
    return (f"{name}: recall {n.get('final', {}).get('recall', {}).get('rate')}, owners "
            f"{n.get('final', {}).get('owner_attribution', {}).get('rate')}, clean {n['clean_notes']['rate']}, "
            f"answers in {a['in_window']['rate']} / evicted {a['evicted']['rate']} / abstain {a['abstention']['rate']}, "
            f"{rt['summaries']} summaries, model {rt['model_s_per_audio_s']} s per audio s")  # fmt: skip


ROWS = [
    ("fact recall, final notes", "fact_recall_final"), ("fact recall, rolling notes", "fact_recall_rolling"),
    ("final notes' items that are gold facts", "on_gold_final"), ("owner attribution (final)", "owner_attribution"), ("due date with the action (final)", "due_final"),
    ("notes without invented names/numbers/dates", "clean_notes"), ("notes with small talk", "small_talk_in_notes"),
    ("retention (kept to the next update)", "retention"), ("answers in window", "answers_in_window"),
    ("answers after eviction", "answers_evicted"), ("who", "answers_who"), ("what", "answers_what"),
    ("when", "answers_when"), ("how much", "answers_how_much"), ("why", "answers_why"),
    ("abstention, never discussed", "abstention"), ("answerable questions abstained on", "false_abstention"),
]  # fmt: skip


def _cell(metric: dict | None) -> str:
    if not metric or metric.get("rate") is None:
        return "-"
    return f"{100 * metric['rate']:.0f}% ({metric['k']}/{metric['n']})"


def _realtimes(run: dict[str, Any], column: str) -> list[dict[str, Any]]:
    if column.endswith(" (audio)"):
        return [run["audio"][column.removesuffix(" (audio)")]["realtime"]]
    return [m["realtime"] for m in run["meetings"].values() if m["split"] == column]


def markdown(run: dict[str, Any]) -> str:
    """One table per preset: a column per split (pooled) and per audio run, a row per metric."""
    cols = [(s, run["splits"][s]["metrics"]) for s in ("dev", "test") if s in run["splits"]]
    cols += [(f"{name} (audio)", a["metrics"]) for name, a in run["audio"].items()]
    goals = {name: t["target"] for s in run["splits"].values() for name, t in s["targets"].items()}
    out = [f"| {run['preset']} | " + " | ".join(c for c, _ in cols) + " | target |",
           "|---|" + "---|" * (len(cols) + 1)]  # fmt: skip
    for label, key in ROWS:
        goal = f">= {100 * goals[key]:.0f}%" if key in goals else ""
        out.append(f"| {label} | " + " | ".join(_cell(m.get(key)) for _, m in cols) + f" | {goal} |")
    timings = [_realtimes(run, col) for col, _ in cols]
    for label, key in (("summary generation s, median / max (worst meeting)", "summary_s"),
                       ("answer s, median / max (worst meeting)", "answer_s")):  # fmt: skip
        cells = []
        for rts in timings:
            values = [rt[key] for rt in rts if rt[key].get("n")]
            cells.append(" / ".join(f"{max(v[k] for v in values):.1f}" for k in ("median", "max")) if values else "-")
        out.append(f"| {label} | " + " | ".join(cells) + " | |")
    cells = []
    for rts in timings:
        ratios = [rt["model_s_per_audio_s"] for rt in rts if rt["model_s_per_audio_s"] is not None]
        on_time = sum(rt["summaries_on_time"]["k"] for rt in rts), sum(rt["summaries_on_time"]["n"] for rt in rts)
        cells.append(f"{max(ratios):.2f}x, {on_time[0]}/{on_time[1]} on time" if ratios else "-")
    out.append("| model s per audio s (worst meeting); summaries done before the next is due | "
               + " | ".join(cells) + " | < 1x |")  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default="smollm2-135m", help="Comma-separated presets (or model ids).")
    parser.add_argument("--split", choices=("dev", "test", "all", "none"), default="dev",
                        help="Text meetings to run (none: only the --audio replays).")
    parser.add_argument("--meetings", default="", help="Comma-separated meeting names (overrides --split).")
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATA, help="Folder of NAME.txt + NAME.gold.json.")
    parser.add_argument("--audio", action="append", default=[], metavar="FILE=NAME",
                        help="Also replay FILE through capture + transcribe + summarize, scored on NAME's gold.")
    parser.add_argument("--audio-set", action="append", default=[], metavar="KEY=VALUE",
                        help="A config setting for the --audio replays, e.g. transcribe.speakers=false (speaker "
                             "labels off, to compare owners with and without them); JSON values, else a string.")
    parser.add_argument("--record", type=Path, metavar="DIR",
                        help="Write each text meeting's extractions to DIR/PRESET/MEETING.jsonl, for "
                             "`bench.notes_dev --replay` (measuring merge-rule changes without the model).")
    parser.add_argument("--rescore", type=Path, metavar="JSON",
                        help="Score a JSON written by bench.quality again with the current rules; no model runs.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    template = "{preset}" in str(args.json_out) or "<preset>" in str(args.json_out)
    if args.rescore:
        report = rescore(json.loads(args.rescore.read_text(encoding="utf-8")), args.data)
    else:
        report = run_all(args, argv)
    for preset, run in report["presets"].items():
        print(f"\n{markdown(run)}\n", flush=True)
        if template:
            path = Path(str(args.json_out).replace("{preset}", preset).replace("<preset>", preset))
            write(path, {**report, "presets": {preset: run}})
    if not template:
        write(args.json_out, report)
    return 0


def audio_settings(specs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise SystemExit(f"--audio-set takes KEY=VALUE, got {spec!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def run_all(args: argparse.Namespace, argv: list[str] | None) -> dict[str, Any]:
    gold_paths = discover(args.data, args.split, [m for m in args.meetings.split(",") if m] or None)
    audio = []
    for spec in args.audio:
        file, _, name = spec.partition("=")
        audio.append((Path(file), args.data / f"{name}.gold.json"))
    command = "python -m bench.quality " + " ".join(sys.argv[1:] if argv is None else argv)
    machine = {"platform": platform.platform(), "cpu_count": os.cpu_count(), "loadavg_1min": round(os.getloadavg()[0], 2)}
    report: dict[str, Any] = {"benchmark": "quality", "command": command, "machine": machine, "presets": {}}
    for preset in [p for p in args.presets.split(",") if p]:
        report["presets"][preset] = measure(preset, gold_paths, audio, audio_settings(args.audio_set), args.record)
    return report


def write(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
