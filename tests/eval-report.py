#!/usr/bin/env python3
"""Summarise the relevance evaluation: read the per-topic results of each run
(trec_eval.py -q output, one file per run named RUN.eval), print the table of
MAP, P@10, nDCG@10 and recall@100, and for the first run against each of the
others, a two-sided paired randomisation test on AP and nDCG@10 (10,000
permutations, fixed seed): the chance of a difference this large if the two
systems were interchangeable.

usage: eval-report.py BASELINE_NAME NAME=FILE.eval... > table.md
"""
import random
import sys

METRICS = ("map", "P_10", "ndcg_cut_10", "recall_100")
LABELS = ("MAP", "P@10", "nDCG@10", "R@100")


def load(path):
    per_topic, means = {}, {}
    for line in open(path):
        parts = line.split()
        if len(parts) != 3 or parts[0] not in METRICS:
            continue
        metric, topic, value = parts[0], parts[1], float(parts[2])
        if topic == "all":
            means[metric] = value
        else:
            per_topic.setdefault(metric, {})[topic] = value
    return per_topic, means


def randomisation(a, b, rng, rounds=10000):
    topics = sorted(set(a) & set(b))
    diffs = [a[t] - b[t] for t in topics]
    observed = abs(sum(diffs))
    hits = 0
    for _ in range(rounds):
        if abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12:
            hits += 1
    return sum(diffs) / len(diffs), (hits + 1) / (rounds + 1)


def main():
    base = sys.argv[1]
    runs = [arg.split("=", 1) for arg in sys.argv[2:]]
    data = {name: load(path) for name, path in runs}
    ntopics = len(data[base][0]["map"])
    print("| run | " + " | ".join(LABELS) + " |")
    print("|---|" + "---|" * len(LABELS))
    for name, _ in runs:
        means = data[name][1]
        print("| %s | %s |" % (name, " | ".join("%.4f" % means[m] for m in METRICS)))
    print()
    print("%d judged topics. Paired randomisation test, `%s` against each other run "
          "(difference of the means, two-sided p):" % (ntopics, base))
    print()
    print("| against | MAP diff | p | nDCG@10 diff | p |")
    print("|---|---|---|---|---|")
    rng = random.Random(1963)
    for name, _ in runs:
        if name == base:
            continue
        row = []
        for m in ("map", "ndcg_cut_10"):
            d, p = randomisation(data[base][0][m], data[name][0][m], rng)
            row += ["%+.4f" % d, "%.3f" % p]
        print("| %s | %s |" % (name, " | ".join(row)))


if __name__ == "__main__":
    main()
