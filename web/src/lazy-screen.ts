/**
 * A screen in its own chunk that can be fetched ahead of use. `React.lazy` alone suspends on the
 * first render even when the chunk is already loaded, and React then holds the fallback for up to
 * 300 ms (its Suspense throttling) — a visible pause on every first visit. Once `preload` has
 * run, `<ChunkScreen>` renders the screen at once, without suspending.
 */
import { type ComponentType, createElement, lazy } from 'react';

export interface ScreenChunk<P extends object> {
  /** The screen, once its chunk has arrived. */
  loaded?: ComponentType<P>;
  /** The same screen through `React.lazy`, for a visit before that. */
  suspending: ComponentType<P>;
  /** Fetches the chunk now (idempotent). */
  preload(): void;
}

export function screenChunk<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ScreenChunk<P> {
  const chunk: ScreenChunk<P> = {
    suspending: lazy(() => remember()),
    preload: () => void remember(),
  };
  const remember = () =>
    load().then((module) => {
      chunk.loaded = module.default;
      return module;
    });
  return chunk;
}

/** Renders a chunk's screen with the given props: directly when loaded, else through Suspense. */
export function ChunkScreen<P extends object>({ chunk, props }: { chunk: ScreenChunk<P>; props: P }) {
  return createElement(chunk.loaded ?? chunk.suspending, props);
}
