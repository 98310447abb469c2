// The import wizard: file -> columns (mapping, target, mode) -> exact preview -> the job, live,
// and its result. The staged file is uploaded once; the preview and the import are asked with
// the same request, so what the preview shows is what the import does (unless the group
// changes in between).
import { useState } from "preact/hooks";
import type { ScreenProps } from "../../app/route";
import type { ImportJobFieldsFragment } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { FileStep } from "./FileStep";
import { JobStep } from "./JobStep";
import { type ImportRequest, type StagedFile, suggestedChoice } from "./mapping";
import { type MappingState, MappingStep, type Preview } from "./MappingStep";
import { importMessages } from "./messages";
import { PreviewStep } from "./PreviewStep";
import "./import.css";

type Step =
  | { name: "file" }
  | { name: "columns"; staged: StagedFile }
  | { name: "preview"; staged: StagedFile; request: ImportRequest; preview: Preview }
  | { name: "job"; job: ImportJobFieldsFragment };

const STEP_NAMES = ["file", "columns", "preview", "job"] as const;

/** A new group's default name: the file's, without its extension. */
function nameOfFile(fileName: string | null): string {
  return (fileName ?? "").replace(/\.[^.]+$/, "").trim();
}

function initialMapping(staged: StagedFile): MappingState {
  return {
    choices: staged.columns.map(suggestedChoice),
    target: "new",
    groupId: "",
    existingName: "",
    groupName: nameOfFile(staged.fileName),
    mode: "ADD",
  };
}

function Steps({ current }: { current: Step["name"] }) {
  const t = useMessages(importMessages);
  const labels = [t.stepFile, t.stepColumns, t.stepPreview, t.stepImport];
  const at = STEP_NAMES.indexOf(current);
  return (
    <nav aria-label={t.stepsLabel}>
      <ol class="wizard-steps">
        {labels.map((label, index) => (
          <li key={label} aria-current={index === at ? "step" : undefined} class={index < at ? "done" : undefined}>
            <span class="visually-hidden">{t.stepOf(index + 1, labels.length)}: </span>
            {label}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function ImportScreen(_props: ScreenProps) {
  const t = useMessages(importMessages);
  const [step, setStep] = useState<Step>({ name: "file" });
  const [mapping, setMapping] = useState<MappingState | null>(null);
  const restart = () => {
    setMapping(null);
    setStep({ name: "file" });
  };
  return (
    <section aria-labelledby="screen-title" class="import-screen">
      <ScreenHeading>{t.title}</ScreenHeading>
      <Steps current={step.name} />
      {step.name === "file" && (
        <FileStep
          onStaged={(staged) => {
            setMapping(initialMapping(staged));
            setStep({ name: "columns", staged });
          }}
        />
      )}
      {step.name === "columns" && mapping && (
        <MappingStep
          staged={step.staged}
          state={mapping}
          setState={setMapping}
          onPreview={(request, preview) => setStep({ name: "preview", staged: step.staged, request, preview })}
          onRestart={restart}
        />
      )}
      {step.name === "preview" && mapping && (
        <PreviewStep
          request={step.request}
          preview={step.preview}
          groupName={step.request.groupName ?? mapping.existingName}
          onStarted={(job) => setStep({ name: "job", job })}
          onBack={() => setStep({ name: "columns", staged: step.staged })}
        />
      )}
      {step.name === "job" && <JobStep started={step.job} onAgain={restart} />}
    </section>
  );
}
