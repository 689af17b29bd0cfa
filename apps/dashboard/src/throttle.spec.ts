import { throttle } from './throttle';

describe('throttle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the first trigger at once and folds a burst into one trailing run', () => {
    const run = jest.fn();
    const throttled = throttle(run, 2_000);
    throttled.trigger();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) throttled.trigger();
    expect(run).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1_999);
    expect(run).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(10_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs at once again after a quiet interval', () => {
    const run = jest.fn();
    const throttled = throttle(run, 2_000);
    throttled.trigger();
    jest.advanceTimersByTime(5_000);
    throttled.trigger();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('drops a pending run when cancelled', () => {
    const run = jest.fn();
    const throttled = throttle(run, 2_000);
    throttled.trigger();
    throttled.trigger();
    throttled.cancel();
    jest.advanceTimersByTime(5_000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
