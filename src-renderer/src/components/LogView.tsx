// A job's log in xterm: what was written so far, then live output as it arrives. Events carry
// their offset in the full log, so nothing is lost or doubled between the fetch and the stream.
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { call, onEvent } from '../api/client';

type LogElement = HTMLDivElement & { skiffText?: () => string };

export function LogView({ jobId, search }: { jobId: string; search?: string }) {
  const ref = useRef<LogElement>(null);
  const searchRef = useRef<SearchAddon | null>(null);

  useEffect(() => {
    const el = ref.current!;
    const term = new Terminal({
      convertEol: true,
      disableStdin: true,
      scrollback: 200_000,
      fontSize: 12.5,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
      theme: { background: '#0b0f14' },
    });
    const fit = new FitAddon();
    const searchAddon = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(searchAddon);
    searchRef.current = searchAddon;
    term.open(el);
    fit.fit();

    let length = 0;
    let loaded = false;
    const early: { offset: number; data: string }[] = [];
    const apply = (offset: number, data: string) => {
      if (offset + data.length <= length) return;
      const fresh = offset < length ? data.slice(length - offset) : data;
      term.write(fresh);
      length = Math.max(length, offset + data.length);
    };
    const off = onEvent('job.event', (e) => {
      if (e.type !== 'output' || e.jobId !== jobId) return;
      if (loaded) apply(e.offset, e.data);
      else early.push(e);
    });
    void call('jobs.log', { id: jobId }).then(({ text }) => {
      term.write(text);
      length = text.length;
      loaded = true;
      for (const e of early) apply(e.offset, e.data);
      el.dataset.loaded = 'true';
    });

    // For tests and "Copy log": the whole buffer as plain text.
    el.skiffText = () => {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n').replace(/\n+$/, '');
    };
    const onResize = () => fit.fit();
    const observer = new ResizeObserver(onResize);
    observer.observe(el);
    return () => {
      off();
      observer.disconnect();
      term.dispose();
    };
  }, [jobId]);

  useEffect(() => {
    if (search) searchRef.current?.findNext(search, { caseSensitive: false });
  }, [search]);

  return <div className="log-view" data-testid="log-view" data-job-id={jobId} ref={ref} />;
}

/** The visible text of an open LogView (what "Copy log" copies). */
export function logViewText(jobId: string): string {
  const el = document.querySelector<LogElement>(`[data-testid=log-view][data-job-id="${jobId}"]`);
  return el?.skiffText?.() ?? '';
}
