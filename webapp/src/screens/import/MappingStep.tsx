// Step 2: the detected columns with their suggested fields (editable), the target group (an
// existing one or a new name) and the mode; "Preview" asks previewImport with exactly this.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useMutation, useQuery } from "../../api/hooks";
import {
  GroupListDocument,
  type ImportMode,
  PreviewImportDocument,
  type PreviewImportMutation,
  type UserErrorFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, Loading } from "../../ui/states";
import {
  type ColumnChoice,
  delimiterName,
  type FieldChoice,
  fieldLabel,
  fieldMapping,
  type ImportRequest,
  mappingProblem,
  RECIPIENT_FIELDS,
  type StagedFile,
} from "./mapping";
import { type ImportText, importMessages } from "./messages";
import { StepHeading, UserErrors } from "./parts";

export type Preview = NonNullable<PreviewImportMutation["previewImport"]["preview"]>;

/** What the mapping step keeps when the user goes on to the preview and comes back. */
export interface MappingState {
  choices: ColumnChoice[];
  target: "existing" | "new";
  groupId: string;
  /** The existing group's name, as shown. */
  existingName: string;
  groupName: string;
  mode: ImportMode;
}

const MODES: readonly ImportMode[] = ["ADD", "REFRESH_AND_ADD", "REFRESH"];
// The API's largest page: the 100 newest groups are offered.
const GROUP_PAGE = 100;

function ColumnRow({
  index,
  choice,
  samples,
  onChange,
}: {
  index: number;
  choice: ColumnChoice;
  samples: string[];
  onChange: (choice: ColumnChoice) => void;
}) {
  const t = useMessages(importMessages);
  const named = choice.header !== "";
  const shownHeader = named ? choice.header : t.noHeader;
  const shownSamples = samples.filter((sample) => sample.trim() !== "").slice(0, 3);
  return (
    <li class="column-choice">
      <div class="column-name">
        <strong>{shownHeader}</strong>
        <p class="samples">
          {t.samples} {shownSamples.length ? shownSamples.join(" · ") : t.noSamples}
        </p>
      </div>
      <div class="column-field">
        <label for={`column-${index}-field`}>{t.fieldFor(shownHeader)}</label>
        <select
          id={`column-${index}-field`}
          value={choice.field}
          disabled={!named}
          onChange={(event) => onChange({ ...choice, field: event.currentTarget.value as FieldChoice })}
        >
          {RECIPIENT_FIELDS.map((field) => (
            <option key={field} value={field}>
              {fieldLabel(t, field)}
            </option>
          ))}
          <option value="attribute">{t.fieldAttribute}</option>
          <option value="ignore">{t.fieldIgnore}</option>
        </select>
        {!named && <p class="hint">{t.noHeaderNote}</p>}
      </div>
      {choice.field === "attribute" && (
        <div class="column-attribute">
          <label for={`column-${index}-attribute`}>{t.attributeFor(shownHeader)}</label>
          <input
            id={`column-${index}-attribute`}
            type="text"
            maxLength={100}
            value={choice.attribute}
            onInput={(event) => onChange({ ...choice, attribute: event.currentTarget.value })}
          />
        </div>
      )}
    </li>
  );
}

function TargetChoice({ state, update }: { state: MappingState; update: (change: Partial<MappingState>) => void }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const groups = useQuery(GroupListDocument, { first: GROUP_PAGE });
  const list = groups.status === "done" ? groups.data.groups.edges.map((edge) => edge.node) : [];
  const hasGroups = list.length > 0;
  return (
    <fieldset class="import-target">
      <legend>{t.targetLegend}</legend>
      {groups.status === "loading" && <Loading />}
      {groups.status === "error" && <ErrorNotice error={groups.error} onRetry={groups.reload} />}
      {groups.status === "done" && !hasGroups && <p class="hint">{t.noGroups}</p>}
      {hasGroups && (
        <>
          <label class="choice">
            <input
              type="radio"
              name="import-target"
              checked={state.target === "existing"}
              onChange={() => {
                const chosen = list.find((group) => group.id === state.groupId) ?? list[0];
                update({ target: "existing", groupId: chosen?.id ?? "", existingName: chosen?.name ?? "" });
              }}
            />
            {t.targetExisting}
          </label>
          {state.target === "existing" && (
            <div class="indented">
              <label for="import-group">{t.groupLabel}</label>
              <select
                id="import-group"
                value={state.groupId}
                onChange={(event) => {
                  const id = event.currentTarget.value;
                  update({ groupId: id, existingName: list.find((group) => group.id === id)?.name ?? "" });
                }}
              >
                {list.map((group) => (
                  <option key={group.id} value={group.id}>
                    {t.groupOption(group.name, format.number(group.recipientCount))}
                  </option>
                ))}
              </select>
            </div>
          )}
          <label class="choice">
            <input
              type="radio"
              name="import-target"
              checked={state.target === "new"}
              onChange={() => update({ target: "new" })}
            />
            {t.targetNew}
          </label>
        </>
      )}
      {(state.target === "new" || (groups.status === "done" && !hasGroups)) && (
        <div class="indented">
          <label for="import-group-name">{t.newGroupLabel}</label>
          <input
            id="import-group-name"
            type="text"
            maxLength={200}
            value={state.groupName}
            onInput={(event) => update({ groupName: event.currentTarget.value })}
          />
        </div>
      )}
    </fieldset>
  );
}

function ModeChoice({ mode, setMode }: { mode: ImportMode; setMode: (mode: ImportMode) => void }) {
  const t = useMessages(importMessages);
  return (
    <fieldset class="import-mode">
      <legend>{t.modeLegend}</legend>
      {MODES.map((value) => (
        <label class="choice" key={value}>
          <input type="radio" name="import-mode" checked={mode === value} onChange={() => setMode(value)} />
          {t[`mode${value}`]}
        </label>
      ))}
      <p class="hint">{t.statusNote}</p>
    </fieldset>
  );
}

/** The request the choices make, or a problem to show first. */
function requestOf(t: ImportText, staged: StagedFile, state: MappingState): ImportRequest | string {
  const problem = mappingProblem(t, state.choices);
  if (problem) return problem;
  const existing = state.target === "existing" && state.groupId !== "";
  if (!existing && state.groupName.trim() === "") return t.newGroupMissing;
  return {
    stagedFileId: staged.id,
    groupId: existing ? state.groupId : null,
    groupName: existing ? null : state.groupName.trim(),
    mode: state.mode,
    fieldMapping: fieldMapping(state.choices),
  };
}

export function MappingStep({
  staged,
  state,
  setState,
  onPreview,
  onRestart,
}: {
  staged: StagedFile;
  state: MappingState;
  setState: (state: MappingState) => void;
  onPreview: (request: ImportRequest, preview: Preview) => void;
  onRestart: () => void;
}) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const [preview, previewing] = useMutation(PreviewImportDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [userErrors, setUserErrors] = useState<UserErrorFieldsFragment[]>([]);
  const update = (change: Partial<MappingState>) => setState({ ...state, ...change });

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setUserErrors([]);
    const request = requestOf(t, staged, state);
    if (typeof request === "string") {
      setProblem(request);
      return;
    }
    setProblem(null);
    const data = await preview({ ...request, first: 20 }).catch(() => null);
    if (data === null) return;
    setUserErrors(data.previewImport.userErrors);
    if (data.previewImport.preview) onPreview(request, data.previewImport.preview);
  }

  return (
    <form class="import-step" onSubmit={submit} noValidate>
      <StepHeading>{t.columnsHeading}</StepHeading>
      <p class="file-facts">
        {t.fileFacts(
          staged.fileName ?? "",
          format.number(staged.rowEstimate),
          staged.encoding,
          delimiterName(t, staged.delimiter),
        )}
      </p>
      <fieldset class="import-columns">
        <legend>{t.columnsLegend}</legend>
        <p class="hint">{t.columnsHint}</p>
        <ul class="column-list">
          {state.choices.map((choice, index) => (
            <ColumnRow
              key={staged.columns[index]?.index ?? index}
              index={index}
              choice={choice}
              samples={staged.columns[index]?.samples ?? []}
              onChange={(changed) =>
                update({ choices: state.choices.map((old, i) => (i === index ? changed : old)) })
              }
            />
          ))}
        </ul>
      </fieldset>
      <TargetChoice state={state} update={update} />
      <ModeChoice mode={state.mode} setMode={(mode) => update({ mode })} />
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      <UserErrors errors={userErrors} />
      {previewing.status === "error" && <ErrorNotice error={previewing.error as ApiError} />}
      {previewing.status === "loading" ? (
        <Loading label={t.previewing} />
      ) : (
        <div class="actions">
          <button type="submit">{t.preview}</button>
          <button type="button" class="secondary" onClick={onRestart}>
            {t.chooseAnother}
          </button>
        </div>
      )}
    </form>
  );
}
