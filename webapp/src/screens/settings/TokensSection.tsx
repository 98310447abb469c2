// The account's API tokens: the list (never their secrets), a new one whose secret is shown once
// with a copy button, and revocation after a confirmation (the session's own token too: the next
// request is then refused and the shell sends the tab back to the token prompt).
import { useEffect, useRef, useState } from "preact/hooks";
import { useMutation, useQuery } from "../../api/hooks";
import {
  ApiTokensDocument,
  CreateApiTokenDocument,
  RevokeApiTokenDocument,
  type ApiTokenFieldsFragment,
} from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { useFormat } from "../../i18n/format";
import { EmptyState, ErrorNotice, QueryView } from "../../ui/states";
import { settingsMessages } from "./messages";
import { UserErrors } from "./UserErrors";

const EXPIRY_DAYS = [30, 90, 365] as const;
const DAY_MS = 86_400_000;

type Problem = { message: string; code: string };

function TokenItem({
  token,
  onRevoked,
}: {
  token: ApiTokenFieldsFragment;
  onRevoked: (name: string) => void;
}) {
  const t = useMessages(settingsMessages);
  const format = useFormat();
  const [confirming, setConfirming] = useState(false);
  const [revoke, revoking] = useMutation(RevokeApiTokenDocument);
  const [problems, setProblems] = useState<Problem[]>([]);
  const name = token.name || t.tokenUnnamed;
  const confirmText = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (confirming) confirmText.current?.focus();
  }, [confirming]);

  async function revokeNow(): Promise<void> {
    try {
      const { revokeToken } = await revoke({ tokenId: token.id });
      setProblems(revokeToken.userErrors);
      if (revokeToken.userErrors.length === 0) onRevoked(name);
    } catch {
      // shown from the mutation's state
    }
  }

  const titleId = `token-${token.id}`;
  return (
    <li class="token-item">
      <p class="token-name" id={titleId}>
        {name}
        {token.current && <span class="badge">{t.tokenCurrent}</span>}
      </p>
      <p class="token-meta">
        {t.tokenCreated(format.dateTime(token.createdAt))} ·{" "}
        {token.expiresAt ? t.tokenExpires(format.dateTime(token.expiresAt)) : t.tokenNeverExpires} ·{" "}
        {token.lastUsedAt ? t.tokenLastUsed(format.dateTime(token.lastUsedAt)) : t.tokenNeverUsed}
      </p>
      {confirming ? (
        <div class="confirm-panel" role="group" aria-label={t.revokeLabel(name)}>
          <p tabIndex={-1} ref={confirmText}>
            {token.current ? t.revokeCurrentConfirm(name) : t.revokeConfirm(name)}
          </p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={revoking.status === "loading"}
              onClick={() => void revokeNow()}
            >
              {t.revokeNow}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t.cancel}
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            aria-label={t.revokeLabel(name)}
            onClick={() => setConfirming(true)}
          >
            {t.revoke}
          </button>
        </div>
      )}
      <UserErrors errors={problems} />
      {revoking.status === "error" && <ErrorNotice error={revoking.error} />}
    </li>
  );
}

/** The secret of the token just made, shown this once, with a copy button. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const t = useMessages(settingsMessages);
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const field = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  async function copy(): Promise<void> {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopyState("copied");
    } catch {
      setCopyState("failed");
    }
  }

  return (
    <div class="new-secret" role="group" aria-labelledby="new-secret-title">
      <h3 id="new-secret-title" tabIndex={-1} ref={heading}>
        {t.secretTitle(name)}
      </h3>
      <p id="new-secret-help">{t.secretHelp}</p>
      <label for="new-secret">{t.secretLabel}</label>
      <div class="secret-row">
        <input
          id="new-secret"
          type="text"
          readOnly
          value={secret}
          spellcheck={false}
          aria-describedby="new-secret-help"
          ref={field}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {t.copy}
        </button>
      </div>
      <p role="status" aria-live="polite">
        {copyState === "copied" ? t.copied : copyState === "failed" ? t.copyFailed : ""}
      </p>
      <button type="button" class="secondary" onClick={onDone}>
        {t.secretDone}
      </button>
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: () => void }) {
  const t = useMessages(settingsMessages);
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("never");
  const [missingName, setMissingName] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [create, creating] = useMutation(CreateApiTokenDocument);
  const nameField = useRef<HTMLInputElement>(null);
  const shownBefore = useRef(false);

  // Back from the secret (shown once, now gone): the focus goes to the name of the next token.
  useEffect(() => {
    if (created === null && shownBefore.current) nameField.current?.focus();
    shownBefore.current = created !== null;
  }, [created]);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const trimmed = name.trim();
    const nameIsWrong = trimmed.length === 0 || trimmed.length > 100;
    setMissingName(nameIsWrong);
    if (nameIsWrong) return;
    const days = Number(expiry);
    const expiresAt = expiry === "never" ? null : new Date(Date.now() + days * DAY_MS).toISOString();
    try {
      const { createToken } = await create({ name: trimmed, expiresAt });
      setProblems(createToken.userErrors);
      if (createToken.secret !== null && createToken.token !== null) {
        setCreated({ name: createToken.token.name, secret: createToken.secret });
        setName("");
        onCreated();
      }
    } catch {
      // shown from the mutation's state
    }
  }

  if (created !== null) {
    return <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} />;
  }
  return (
    <form class="settings-form token-form" onSubmit={(event) => void submit(event)} noValidate>
      <h3>{t.createTitle}</h3>
      <div class="field">
        <label for="token-name">{t.tokenName}</label>
        <input
          id="token-name"
          ref={nameField}
          type="text"
          maxLength={100}
          value={name}
          autoComplete="off"
          aria-invalid={missingName}
          aria-describedby={missingName ? "token-name-help token-name-error" : "token-name-help"}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p id="token-name-help" class="help">
          {t.tokenNameHelp}
        </p>
        {missingName && (
          <p id="token-name-error" class="field-error">
            {t.tokenNameMissing}
          </p>
        )}
      </div>
      <div class="field">
        <label for="token-expiry">{t.tokenExpiry}</label>
        <select
          id="token-expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.currentTarget.value)}
        >
          <option value="never">{t.expiryNever}</option>
          {EXPIRY_DAYS.map((days) => (
            <option key={days} value={String(days)}>
              {t.expiryDays(days)}
            </option>
          ))}
        </select>
      </div>
      <div class="actions">
        <button type="submit" disabled={creating.status === "loading"}>
          {creating.status === "loading" ? t.creating : t.create}
        </button>
      </div>
      <UserErrors errors={problems} />
      {creating.status === "error" && <ErrorNotice error={creating.error} />}
    </form>
  );
}

export function TokensSection() {
  const t = useMessages(settingsMessages);
  const tokens = useQuery(ApiTokensDocument);
  const [revoked, setRevoked] = useState<string | null>(null);

  const heading = useRef<HTMLHeadingElement>(null);

  function afterRevoke(name: string): void {
    setRevoked(name);
    tokens.reload();
    // The revoked token's item (which had the focus) goes away with the reload.
    heading.current?.focus();
  }

  return (
    <section class="settings-section" aria-labelledby="tokens-title">
      <h2 id="tokens-title" tabIndex={-1} ref={heading}>
        {t.tokensTitle}
      </h2>
      <p class="help">{t.tokensHelp}</p>
      <p role="status" aria-live="polite">
        {revoked !== null ? t.revoked(revoked) : ""}
      </p>
      <QueryView state={tokens}>
        {({ viewer }) =>
          viewer.tokens.length === 0 ? (
            <EmptyState title={t.tokensEmpty} />
          ) : (
            <ul class="token-list">
              {viewer.tokens.map((token) => (
                <TokenItem key={token.id} token={token} onRevoked={afterRevoke} />
              ))}
            </ul>
          )
        }
      </QueryView>
      <CreateTokenForm
        onCreated={() => {
          setRevoked(null);
          tokens.reload();
        }}
      />
    </section>
  );
}
