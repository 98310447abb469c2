// Retention days, the API backup window and the time zone: one form, only the changed values sent.
// Shortening the retention first asks for a confirmation that counts the backups it removes.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useClient, useMutation } from "../../api/hooks";
import { UpdateAccountSettingsDocument } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, Loading } from "../../ui/states";
import { settingsMessages } from "./messages";
import { countBackupsOlderThan, type RemovalCount } from "./retention";
import { timeZoneNames } from "./timeZones";
import { UserErrors } from "./UserErrors";

export interface TimeSettings {
  backupRetentionDays: number;
  apiBackupWindowMinutes: number;
  timeZone: string;
}

interface Change {
  retentionDays?: number;
  apiBackupWindowMinutes?: number;
  timeZone?: string;
}

type Field = "retention" | "window" | "zone";

/** A whole number within [low, high] from a field's text; null when it is not one. */
function wholeNumber(text: string, low: number, high: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return value >= low && value <= high ? value : null;
}

type Step =
  | { kind: "edit" }
  | { kind: "confirm"; change: Change; removal: RemovalCount | null }
  | { kind: "saved"; retentionChanged: boolean; backupsToRemove: number }
  | { kind: "unchanged" };

export function RetentionForm({
  settings,
  onSaved,
}: {
  settings: TimeSettings;
  onSaved: (settings: TimeSettings) => void;
}) {
  const t = useMessages(settingsMessages);
  const client = useClient();
  const [retention, setRetention] = useState(String(settings.backupRetentionDays));
  const [apiWindow, setApiWindow] = useState(String(settings.apiBackupWindowMinutes));
  const [zone, setZone] = useState(settings.timeZone);
  const [invalid, setInvalid] = useState<Field[]>([]);
  const [step, setStep] = useState<Step>({ kind: "edit" });
  const [serverErrors, setServerErrors] = useState<{ message: string; code: string }[]>([]);
  const [save, saving] = useMutation(UpdateAccountSettingsDocument);
  const zones = useMemo(() => timeZoneNames(settings.timeZone), [settings.timeZone]);
  const confirmHeading = useRef<HTMLHeadingElement>(null);

  const saveButton = useRef<HTMLButtonElement>(null);
  const lastStep = useRef<Step["kind"]>("edit");

  // Into the confirmation: its heading gets the focus; out of it (saved or cancelled), the form's
  // button does, instead of the focus falling back to the page.
  useEffect(() => {
    if (step.kind === "confirm") confirmHeading.current?.focus();
    else if (lastStep.current === "confirm") saveButton.current?.focus();
    lastStep.current = step.kind;
  }, [step.kind]);

  function checkedChange(): Change | null {
    const days = wholeNumber(retention, 1, 365);
    const minutes = wholeNumber(apiWindow, 0, 1440);
    const zoneName = zone.trim();
    const wrong: Field[] = [];
    if (days === null) wrong.push("retention");
    if (minutes === null) wrong.push("window");
    if (!zones.includes(zoneName)) wrong.push("zone");
    setInvalid(wrong);
    if (days === null || minutes === null || wrong.length > 0) return null;
    const change: Change = {};
    if (days !== settings.backupRetentionDays) change.retentionDays = days;
    if (minutes !== settings.apiBackupWindowMinutes) change.apiBackupWindowMinutes = minutes;
    if (zoneName !== settings.timeZone) change.timeZone = zoneName;
    return change;
  }

  async function apply(change: Change): Promise<void> {
    setServerErrors([]);
    try {
      const { updateAccountSettings: result } = await save(change);
      setServerErrors(result.userErrors);
      if (result.userErrors.length > 0 || result.account === null) {
        setStep({ kind: "edit" });
        return;
      }
      onSaved(result.account);
      setStep({
        kind: "saved",
        retentionChanged: change.retentionDays !== undefined,
        backupsToRemove: result.backupsToRemove,
      });
    } catch {
      setStep({ kind: "edit" });
    }
  }

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const change = checkedChange();
    if (change === null) return;
    if (Object.keys(change).length === 0) {
      setStep({ kind: "unchanged" });
      return;
    }
    const days = change.retentionDays;
    if (days === undefined || days >= settings.backupRetentionDays) {
      await apply(change);
      return;
    }
    setStep({ kind: "confirm", change, removal: null });
    try {
      const removal = await countBackupsOlderThan(client, days, Date.now());
      setStep((now) => (now.kind === "confirm" ? { ...now, removal } : now));
    } catch {
      // Without the count the confirmation still names the days; saving tells the exact count.
      setStep((now) => (now.kind === "confirm" ? { ...now, removal: { count: 0, more: true } } : now));
    }
  }

  /** A field changed: the last save's message no longer describes the form. */
  function edited(set: (value: string) => void, value: string): void {
    set(value);
    if (step.kind === "saved" || step.kind === "unchanged") setStep({ kind: "edit" });
  }

  const editing = step.kind !== "confirm";
  const busy = saving.status === "loading";
  const describedBy = (field: Field, help: string) =>
    invalid.includes(field) ? `${help} ${field}-error` : help;

  return (
    <section class="settings-section" aria-labelledby="keep-title">
      <h2 id="keep-title">{t.keepTitle}</h2>
      <form class="settings-form" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for="retention-days">{t.retentionLabel}</label>
          <input
            id="retention-days"
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            step={1}
            value={retention}
            disabled={!editing}
            aria-invalid={invalid.includes("retention")}
            aria-describedby={describedBy("retention", "retention-help")}
            onInput={(event) => edited(setRetention, event.currentTarget.value)}
          />
          <p id="retention-help" class="help">
            {t.retentionHelp}
          </p>
          {invalid.includes("retention") && (
            <p id="retention-error" class="field-error">
              {t.retentionRange}
            </p>
          )}
        </div>
        <div class="field">
          <label for="time-zone">{t.zoneLabel}</label>
          <input
            id="time-zone"
            type="text"
            list="time-zone-names"
            autoComplete="off"
            spellcheck={false}
            value={zone}
            disabled={!editing}
            aria-invalid={invalid.includes("zone")}
            aria-describedby={describedBy("zone", "zone-help")}
            onInput={(event) => edited(setZone, event.currentTarget.value)}
          />
          <datalist id="time-zone-names">
            {zones.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <p id="zone-help" class="help">
            {t.zoneHelp}
          </p>
          {invalid.includes("zone") && (
            <p id="zone-error" class="field-error">
              {t.zoneUnknown}
            </p>
          )}
        </div>
        <div class="field">
          <label for="api-window">{t.windowLabel}</label>
          <input
            id="api-window"
            type="number"
            inputMode="numeric"
            min={0}
            max={1440}
            step={1}
            value={apiWindow}
            disabled={!editing}
            aria-invalid={invalid.includes("window")}
            aria-describedby={describedBy("window", "window-help")}
            onInput={(event) => edited(setApiWindow, event.currentTarget.value)}
          />
          <p id="window-help" class="help">
            {t.windowHelp}
          </p>
          {invalid.includes("window") && (
            <p id="window-error" class="field-error">
              {t.windowRange}
            </p>
          )}
        </div>
        {editing && (
          <div class="actions">
            <button type="submit" disabled={busy} ref={saveButton}>
              {busy ? t.saving : t.save}
            </button>
          </div>
        )}
      </form>
      {step.kind === "confirm" && (
        <div class="confirm-panel" role="group" aria-labelledby="retention-confirm-title">
          <h3 id="retention-confirm-title" tabIndex={-1} ref={confirmHeading}>
            {t.confirmTitle}
          </h3>
          <p>{t.confirmFrom(settings.backupRetentionDays, step.change.retentionDays ?? 0)}</p>
          {step.removal === null ? (
            <Loading label={t.confirmCounting} />
          ) : (
            <p class="confirm-count">
              {t.confirmCount(
                step.removal.count,
                step.change.retentionDays ?? 0,
                step.removal.more,
              )}
            </p>
          )}
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={busy || step.removal === null}
              onClick={() => void apply(step.change)}
            >
              {busy ? t.saving : t.confirmSave}
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => setStep({ kind: "edit" })}
            >
              {t.cancel}
            </button>
          </div>
        </div>
      )}
      <div role="status" aria-live="polite" class="form-status">
        {step.kind === "saved" && (
          <>
            <p class="ok">{t.saved}</p>
            {step.retentionChanged && <p>{t.toRemove(step.backupsToRemove)}</p>}
          </>
        )}
        {step.kind === "unchanged" && <p>{t.nothingChanged}</p>}
      </div>
      <UserErrors errors={serverErrors} />
      {saving.status === "error" && <ErrorNotice error={saving.error} />}
    </section>
  );
}
