import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';

export const LESSON_URL = '/learn/04-streams/transform-streams/';

export function readRepoFile(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** Test names in file order, read from the test file the way a learner would see them. */
export function testNamesIn(testFile: string): string[] {
  const names: string[] = [];
  for (const match of testFile.matchAll(/^\s*it\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gm)) {
    // Undo the source's escapes (\\ and quotes) to get the name vitest reports.
    names.push((match[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  return names;
}

export function exercisePanel(page: Page): Locator {
  return page.getByRole('region', { name: /lines\(\)/ });
}

/** Waits for Monaco to replace the placeholder (it loads when the panel nears the viewport). */
export async function openEditor(page: Page): Promise<Locator> {
  const panel = exercisePanel(page);
  await panel.scrollIntoViewIfNeeded();
  const editor = panel.getByRole('textbox', { name: 'Code editor' });
  await expect(editor).toBeAttached();
  return editor;
}

/** Replaces the active file's content the way a learner pastes code. */
export async function pasteCode(page: Page, editor: Locator, code: string): Promise<void> {
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.keyboard.press('ControlOrMeta+V');
  // Back to the top, so the lines checked through editorText() are the rendered ones.
  await page.keyboard.press('ControlOrMeta+Home');
}

/** What the panel autosaved for the exercise, as the next page load will read it. */
export async function savedDraft(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const raw = localStorage.getItem('workbench:v1:draft:04-streams/lines');
    return raw
      ? (JSON.parse(raw) as { files: Record<string, string> }).files['lines.ts']
      : undefined;
  });
}

export function runStatus(page: Page): Locator {
  return exercisePanel(page).getByRole('status').first();
}

/** Presses Run and waits for the result; a first in-browser run may wait for a boot to fail. */
export async function runAndWait(page: Page, timeout = 60_000): Promise<void> {
  const panel = exercisePanel(page);
  await panel.getByRole('button', { name: /Run tests/ }).click();
  await expect(panel).not.toHaveAttribute('aria-busy', 'true', { timeout });
  await expect(panel.getByRole('button', { name: /Run tests/ })).toBeEnabled({ timeout });
}

/** The text Monaco currently shows (it renders only visible lines, enough for our checks). */
export async function editorText(page: Page): Promise<string> {
  return (await exercisePanel(page).locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}
