// The account switch "automatic backups" (the original's Settings > Privacy): effective at once.
import { useState } from "preact/hooks";
import { useMutation } from "../../api/hooks";
import { SetAccountBackupsEnabledDocument } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice } from "../../ui/states";
import { settingsMessages } from "./messages";
import { UserErrors } from "./UserErrors";

export function BackupSwitch({ enabled, retentionDays }: { enabled: boolean; retentionDays: number }) {
  const t = useMessages(settingsMessages);
  const [on, setOn] = useState(enabled);
  const [save, saving] = useMutation(SetAccountBackupsEnabledDocument);
  const [errors, setErrors] = useState<{ message: string; code: string }[]>([]);

  async function toggle(input: HTMLInputElement): Promise<void> {
    setErrors([]);
    let held = on;
    try {
      const { setBackupEnabled } = await save({ enabled: input.checked });
      setErrors(setBackupEnabled.userErrors);
      held = setBackupEnabled.account?.backupsEnabled ?? held;
    } catch {
      // the mutation's state holds the error, shown below
    }
    // The box shows what the server holds, also when the change was refused.
    setOn(held);
    input.checked = held;
  }

  return (
    <section class="settings-section" aria-labelledby="privacy-title">
      <h2 id="privacy-title">{t.privacyTitle}</h2>
      <div class="switch-row">
        <input
          id="backups-switch"
          type="checkbox"
          role="switch"
          class="switch"
          checked={on}
          disabled={saving.status === "loading"}
          aria-describedby="backups-switch-help"
          onChange={(event) => void toggle(event.currentTarget)}
        />
        <label for="backups-switch">{t.backupSwitch}</label>
      </div>
      <p id="backups-switch-help" class="help">
        {t.backupSwitchHelp(retentionDays)}
      </p>
      <p role="status" aria-live="polite" class={on ? "switch-state on" : "switch-state off"}>
        {saving.status === "loading" ? t.saving : on ? t.backupsOn : t.backupsOff}
      </p>
      <UserErrors errors={errors} />
      {saving.status === "error" && <ErrorNotice error={saving.error} />}
    </section>
  );
}
