import { projectTestConfig } from '../../vitest.project.js';

export default projectTestConfig();
