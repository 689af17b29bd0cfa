import { useState } from 'preact/hooks';

interface SignInProps {
  /** checks the key; resolves to the reason when it is refused */
  onSubmit(key: string): Promise<string | undefined>;
  /** why the page is signed out, when it was signed out for a reason */
  reason?: string;
}

export function SignIn({ onSubmit, reason }: SignInProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(reason);
  const [checking, setChecking] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === '') return setError('Enter an API key');
    setChecking(true);
    setError(undefined);
    const refused = await onSubmit(trimmed);
    setChecking(false);
    if (refused) setError(refused);
  };
  return (
    <main class="sign-in">
      <form class="panel" onSubmit={submit} data-testid="sign-in-form">
        <h1>AgentPulse</h1>
        <p class="muted">
          Sign in with an API key that has the <code>read</code> scope. It is kept in this tab only.
        </p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          data-testid="api-key-input"
        />
        <button type="submit" disabled={checking} data-testid="sign-in">
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p class="alert" role="alert" data-testid="auth-error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
