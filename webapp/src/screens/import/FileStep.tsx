// Step 1: choose a file (the file input, or a drop on its box) and stage it with stageFile,
// a GraphQL multipart upload; the server answers with its encoding, delimiter and columns.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient } from "../../api/hooks";
import { StageFileDocument, type UserErrorFieldsFragment } from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, Loading } from "../../ui/states";
import { sizeText, type StagedFile } from "./mapping";
import { importMessages } from "./messages";
import { StepHeading, UserErrors } from "./parts";

export function FileStep({ onStaged }: { onStaged: (file: StagedFile) => void }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const client = useClient();
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [userErrors, setUserErrors] = useState<UserErrorFieldsFragment[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function stage(event: Event): Promise<void> {
    event.preventDefault();
    setUserErrors([]);
    setFailure(null);
    if (file === null) {
      setProblem(t.noFile);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const data = await client.upload(StageFileDocument, { file });
      setUserErrors(data.stageFile.userErrors);
      if (data.stageFile.stagedFile) onStaged(data.stageFile.stagedFile);
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError("server", String(error)));
    } finally {
      setBusy(false);
    }
  }

  function dropped(event: DragEvent): void {
    event.preventDefault();
    setDragging(false);
    const first = event.dataTransfer?.files[0];
    if (first) {
      setFile(first);
      setProblem(null);
    }
  }

  const hasError = problem !== null || userErrors.length > 0;
  return (
    <form class="import-step" onSubmit={stage} noValidate>
      <StepHeading>{t.fileHeading}</StepHeading>
      <div
        class={dragging ? "drop-zone dragging" : "drop-zone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={dropped}
      >
        <label for="import-file">{t.fileLabel}</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          aria-describedby="import-file-hint"
          aria-invalid={hasError}
          onChange={(event) => {
            setFile(event.currentTarget.files?.[0] ?? null);
            setProblem(null);
          }}
        />
        <p id="import-file-hint" class="hint">
          {t.fileHint} <span aria-hidden="true">{t.dropHint}</span>
        </p>
        {file && <p class="chosen">{t.chosen(file.name, sizeText(file.size, format.number))}</p>}
      </div>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <UserErrors errors={userErrors} />
      {failure && <ErrorNotice error={failure} />}
      {busy ? (
        <Loading label={t.uploading} />
      ) : (
        <div class="actions">
          <button type="submit">{t.upload}</button>
        </div>
      )}
    </form>
  );
}
