import type { Provider } from '@nestjs/common';
import { ImportFiles } from './import-files.js';
import { GetImportLogEventsHandler } from './import-log.js';
import { ImportWorker } from './import-worker.js';
import {
  CreateUserImportJobHandler,
  DescribeUserImportJobHandler,
  GetCsvHeaderHandler,
  ListUserImportJobsHandler,
  StartUserImportJobHandler,
  StopUserImportJobHandler,
  UploadUserImportFileHandler,
} from './import.use-cases.js';

/** User import: the file store and queue, the worker, and one handler per operation. */
export const IMPORT_PROVIDERS: Provider[] = [
  ImportFiles,
  ImportWorker,
  GetCsvHeaderHandler,
  CreateUserImportJobHandler,
  UploadUserImportFileHandler,
  StartUserImportJobHandler,
  StopUserImportJobHandler,
  DescribeUserImportJobHandler,
  ListUserImportJobsHandler,
  GetImportLogEventsHandler,
];
