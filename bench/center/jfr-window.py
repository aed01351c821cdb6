#!/usr/bin/env python3
"""Summarise a JFR recording over a time window (UTC HH:MM:SS): threads, top self frames,
the first org.renkei frame of each sample, and inclusive counts of selected frames.

usage: jfr print --events jdk.ExecutionSample --stack-depth 96 REC.jfr | bench/center/jfr-window.py 03:11:55 03:12:23
(run.sh --profile writes REC.jfr to bench/results/ and prints the time of each phase.)"""
import sys, re, collections
lo, hi = sys.argv[1], sys.argv[2]
selfc = collections.Counter(); incl = collections.Counter(); renk = collections.Counter(); thr = collections.Counter()
n = 0
ev = None
def flush(ev):
    global n
    if not ev or not ev['frames']: return
    t = ev['time']
    if not (lo <= t <= hi): return
    n += 1
    fr = ev['frames']
    selfc[fr[0]] += 1
    thr[re.sub(r'[-#]?\d+', 'N', ev.get('thread',''))] += 1
    for f in set(fr): incl[f] += 1
    for f in fr:
        if f.startswith('org.renkei'):
            renk[f] += 1; break
for line in sys.stdin:
    s = line.strip()
    if s.startswith('jdk.ExecutionSample'):
        flush(ev); ev = {'frames': [], 'time': ''}
    elif ev is not None and s.startswith('startTime ='):
        m = re.search(r'(\d\d:\d\d:\d\d)', s); ev['time'] = m.group(1) if m else ''
    elif ev is not None and s.startswith('sampledThread ='):
        ev['thread'] = s.split('=',1)[1].strip().split('"')[1] if '"' in s else s
    elif ev is not None and re.match(r'^[\w$.<>]+\(.*\)\s+line:', s):
        ev['frames'].append(re.sub(r'\s+line:.*', '', s))
flush(ev)
print(f"samples in window: {n}")
print("-- threads"); [print(f"{c:6d} {c*100/n:5.1f}% {k}") for k, c in thr.most_common(8)]
print("-- top self"); [print(f"{c:6d} {c*100/n:5.1f}% {k}") for k, c in selfc.most_common(25)]
print("-- first org.renkei frame"); [print(f"{c:6d} {c*100/n:5.1f}% {k}") for k, c in renk.most_common(15)]
print("-- inclusive (selected)")
for k, c in incl.most_common(400):
    if re.search(r'renkei|jackson|postgresql|jdbi|helidon.webserver.http1|Hikari|ArrayEncoding|String\.|Caffeine|Pattern', k):
        print(f"{c:6d} {c*100/n:5.1f}% {k}")
