// Exposes `window.skiff` (the SkiffBridge of src-shared/contract.ts) and nothing else.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { SkiffBridge } from '../../src-shared/contract';

const bridge: SkiffBridge = {
  invoke: (method, input) => ipcRenderer.invoke('skiff:invoke', method, input),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('skiff:event', wrapped);
    return () => ipcRenderer.removeListener('skiff:event', wrapped);
  },
  // A dropped file already is on this computer: hand main its path.
  stageFile: async (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('skiff', bridge);
